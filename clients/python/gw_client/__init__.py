"""A Python client of gw, the multi-protocol messaging gateway."""
from .client import Client, GatewayError, key_from_file
from .topics import topic_matches

__all__ = ["Client", "GatewayError", "key_from_file", "topic_matches"]
__version__ = "0.1.0"
