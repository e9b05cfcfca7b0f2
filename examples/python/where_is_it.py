"""Where did I store it? A lookup service on gw, as simple_client_server's users wrote theirs:
a CSV file of things and places, asked from any client.

    python3 examples/python/where_is_it.py --key-file gw-data/gw.key --csv things.csv
    then send {"cmd": "where", "args": "passport"} -> "passport: desk, top drawer"

The CSV has a header row "thing,place". The file is read again when it changes.
"""
import argparse
import csv
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients",
                                "python"))
from gw_client import Client, key_from_file  # noqa: E402


class Places:
    """thing -> place, from a CSV file, read again when its modification time changes."""

    def __init__(self, path):
        self.path = path
        self.read_at = None
        self.places = {}

    def find(self, thing):
        modified = os.stat(self.path).st_mtime_ns
        if modified != self.read_at:
            with open(self.path, newline="") as f:
                self.places = {row["thing"].strip().lower(): row["place"].strip()
                               for row in csv.DictReader(f)}
            self.read_at = modified
        return self.places.get(thing.strip().lower())


def main():
    parser = argparse.ArgumentParser(description="A where-did-I-store-it service through gw")
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--csv", required=True, help="a CSV file with columns thing,place")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="the gateway's WebSocket port")
    options = parser.parse_args()
    places = Places(options.csv)
    lock = threading.Lock()

    def where(call):
        thing = call.get("args", "").strip()
        if not thing:
            return {"code": 400, "text": "where needs a thing in args, such as: where passport"}
        with lock:
            place = places.find(thing)
        if place is None:
            return {"code": 404, "text": f"{thing}: not in {os.path.basename(options.csv)}"}
        return {"text": f"{thing}: {place}", "data": {"thing": thing, "place": place}}

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with Client(key_from_file(options.key_file), options.host, port=options.port,
                name="where-is-it") as gateway:
        gateway.provide("where", where, description="Where a thing is stored: args the thing")
        print("serving where", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
