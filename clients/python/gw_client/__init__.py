"""A Python client of gw, the multi-protocol messaging gateway."""
from .aio import AsyncClient
from .client import Client, GatewayError, key_from_file
from .discovery import FoundGateway, discover
from .topics import topic_matches

__all__ = ["AsyncClient", "Client", "FoundGateway", "GatewayError", "discover", "key_from_file",
           "topic_matches"]
__version__ = "0.2.0"
