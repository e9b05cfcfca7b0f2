"""The MQTT bridge beside mosquitto (see ../mqtt_bench.sh). Uses the integration tests' harness
for the broker and the gateway: both on 127.0.0.1 only, each run bounded in count and time."""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration"))
from gateway_support import Gateway  # noqa: E402
from mqtt_support import MOSQUITTO_PUB, MOSQUITTO_SUB, Mosquitto  # noqa: E402

LIMIT = 120  # seconds any one measurement may take


class CountingSubscriber:
    """mosquitto_sub that prints each topic; ready once it heard its own probe. wait() returns
    how many of `count` arrived, and when the last did."""

    def __init__(self, broker, topic, count):
        self.broker = broker
        self.probe = f"bench/ready/{uuid.uuid4().hex}"
        self.count = count
        self.process = subprocess.Popen(
            [MOSQUITTO_SUB, "-h", "127.0.0.1", "-p", str(broker.port), "-V", "mqttv5",
             "-F", "%t", "-t", topic, "-t", self.probe],
            stdout=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        self.received = 0
        self.last = None
        self.done = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 10
        while not self.ready.wait(0.1):
            if time.monotonic() > deadline:
                raise RuntimeError("mosquitto_sub did not subscribe")
            broker.publish(self.probe, "ready")

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("bench/ready/"):
                self.ready.set()
                continue
            self.received += 1
            if self.received == self.count:
                self.last = time.monotonic()
                self.done.set()
                return

    def wait(self):
        self.done.wait(LIMIT)
        self.process.terminate()
        self.process.wait()
        self.process.stdout.close()
        return self.received, self.last


def lines_file(count, directory):
    path = os.path.join(directory, f"lines-{count}.txt")
    with open(path, "w") as f:
        for n in range(count):
            f.write(f'{{"n": {n}}}\n')
    return path


def mosquitto_pub_lines(broker, topic, path):
    with open(path) as lines:
        return subprocess.Popen([MOSQUITTO_PUB, "-h", "127.0.0.1", "-p", str(broker.port),
                                 "-V", "mqttv5", "-t", topic, "-l"], stdin=lines)


def peer(broker, count, path):
    subscriber = CountingSubscriber(broker, "bench/peer", count)
    started = time.monotonic()
    publisher = mosquitto_pub_lines(broker, "bench/peer", path)
    received, last = subscriber.wait()
    publisher.wait(LIMIT)
    return received, (last or time.monotonic()) - started


def gw_connection(gateway):
    sock = socket.create_connection(("127.0.0.1", gateway.ready["tcp"]))
    return sock, sock.makefile("rb")


def export(gateway, broker, tokens):
    count = len(tokens)
    subscriber = CountingSubscriber(broker, "bench/export/#", count)
    sock, replies = gw_connection(gateway)
    drained = threading.Thread(target=lambda: [None for _ in zip(range(count), replies)],
                               daemon=True)
    drained.start()
    started = time.monotonic()
    sock.sendall(b"\n".join(tokens) + b"\n")
    received, last = subscriber.wait()
    sock.close()
    return received, (last or time.monotonic()) - started


def publish_alone(gateway, tokens):
    """The same publisher to a topic nothing exports: what the gateway does without the bridge,
    until the last reply."""
    sock, replies = gw_connection(gateway)
    started = time.monotonic()
    sender = threading.Thread(target=sock.sendall, args=(b"\n".join(tokens) + b"\n",))
    sender.start()
    received = sum(1 for _ in zip(range(len(tokens)), replies))
    elapsed = time.monotonic() - started
    sender.join()
    sock.close()
    return received, elapsed


def import_(gateway, broker, count, path):
    sock, lines = gw_connection(gateway)
    subscribe = {"cmd": "subscribe", "topic": "bench/import/#", "userID": "bench", "id": "s"}
    sock.sendall(gateway.fernet.encrypt(json.dumps(subscribe).encode()) + b"\n")
    reply = gateway.fernet.decrypt(lines.readline().strip())
    assert b'"code":200' in reply, reply
    done, state = threading.Event(), {"received": 0, "last": None, "line": b""}

    def read():
        for line in lines:
            state["received"] += 1
            state["line"] = line
            if state["received"] == count:
                state["last"] = time.monotonic()
                break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    started = time.monotonic()
    publisher = mosquitto_pub_lines(broker, "bench/import/t", path)
    done.wait(LIMIT)
    publisher.wait(LIMIT)
    sock.close()
    if state["line"]:  # the last one is a real delivery: its data is the line sent
        delivered = json.loads(gateway.fernet.decrypt(state["line"].strip()))
        assert delivered["topic"] == "bench/import/t" and "n" in delivered["data"], delivered
    return state["received"], (state["last"] or time.monotonic()) - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    count = min(max(args.count, 100), 1_000_000)
    work = tempfile.TemporaryDirectory(prefix="gw-mqtt-bench-")
    # Every message is kept for a subscriber slower than the publisher (mosquitto drops past
    # 1,000 queued by default), so that each figure counts all of them.
    broker = Mosquitto(settings="max_queued_messages 0\n").start()
    config = (f'[[mqtt]]\nname = "bench"\nbroker = "{broker.url}"\nexport = ["bench/export/#"]\n'
              f'import = ["bench/import/#"]\nrate = 0\nqueue = {count + 10}\n')
    # The same for the gateway's TCP subscriber, which Python reads more slowly than it is sent.
    gateway = Gateway("--trusted-networks", "127.0.0.0/8", "--session-rate", "0",
                      "--write-queue-bytes", str(max(count * 400, 1 << 20)), "--log-level", "warn",
                      config_text=config)
    try:
        gateway.start()
        deadline = time.monotonic() + 10
        while "gw_mqtt_connected{bridge=\"bench\"} 1" not in gateway.metrics():
            if time.monotonic() > deadline:
                raise RuntimeError("the bridge did not connect")
            time.sleep(0.05)
        path = lines_file(count, work.name)
        print(f"mosquitto {broker.port} and gatewayd on 127.0.0.1, {os.cpu_count()} cores shared;"
              f" {count} messages of about 10 bytes each way, QoS 0")
        results = {"peer": [], "alone": [], "export": [], "import": []}
        for round_ in range(1, args.rounds + 1):
            # Made before the clock starts: Python's Fernet is not what is measured.
            def tokens_to(topic):
                return [gateway.fernet.encrypt(json.dumps(
                    {"cmd": "publish", "topic": topic, "userID": "bench",
                     "data": {"n": n}}).encode()) for n in range(count)]
            tokens, alone = tokens_to("bench/export/t"), tokens_to("bench/alone/t")
            rates = {}
            for name, run in (("peer", lambda: peer(broker, count, path)),
                              ("alone", lambda: publish_alone(gateway, alone)),
                              ("export", lambda: export(gateway, broker, tokens)),
                              ("import", lambda: import_(gateway, broker, count, path))):
                received, seconds = run()
                rates[name] = received / seconds
                lost = f" ({count - received} not received)" if received < count else ""
                print(f"round {round_}: {name:6} {rates[name]:9.0f} messages/s{lost}")
                results[name].append(rates[name])
            print(f"round {round_}: export / peer {rates['export'] / rates['peer']:.2f}, "
                  f"import / peer {rates['import'] / rates['peer']:.2f}; "
                  f"export / the publisher alone {rates['export'] / rates['alone']:.2f}")
        for name in ("export", "import"):
            ratios = [a / b for a, b in zip(results[name], results["peer"])]
            print(f"median {name} / peer: {statistics.median(ratios):.2f}")
    finally:
        gateway.close()
        broker.close()
        work.cleanup()


if __name__ == "__main__":
    main()
