"""An SMC-style function server on gw: server functions called by name.

SMC's clients send {"call_func": "test1", "data": {...}} and get the function's result, or
"call_func not found" / "incorrect data". Here the functions are a Python service provided to
the gateway, so any client on any transport calls them, in SMC's shape or as {"cmd": "test1"}.

    python3 examples/python/smc_function_server.py --key-file gw-data/gw.key [--port 8000]
"""
import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients",
                                "python"))
from gw_client import Client, key_from_file  # noqa: E402


def test1(data):
    """Adds a and b."""
    return {"sum": data["a"] + data["b"]}


def test2(data):
    """Says hello to name."""
    return {"greeting": f"hello, {data['name']}"}


FUNCTIONS = {"test1": test1, "test2": test2}


def serve(function):
    def handler(call):
        data = call.get("data")
        try:
            return {"data": function(data)}
        except (KeyError, TypeError, ValueError):  # what SMC calls incorrect data
            return {"code": 400, "text": "incorrect data"}
    return handler


def main():
    parser = argparse.ArgumentParser(description="SMC-style functions served through gw")
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="the gateway's WebSocket port")
    options = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with Client(key_from_file(options.key_file), options.host, port=options.port,
                name="smc-server") as gateway:
        for name, function in FUNCTIONS.items():
            gateway.provide(name, serve(function), description=function.__doc__)
        print(f"serving {', '.join(FUNCTIONS)}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
