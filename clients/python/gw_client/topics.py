"""MQTT topic filters, as the gateway matches them."""


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether `topic_filter` ("home/+/temperature", "home/#") takes in `topic`."""
    wanted = topic_filter.split("/")
    levels = topic.split("/")
    for i, part in enumerate(wanted):
        if part == "#":
            return True
        if i >= len(levels) or (part != "+" and part != levels[i]):
            return False
    return len(wanted) == len(levels)
