"""Provides a service with the Python package (clients/python), answering every call with its
data, for bench/services_bench.sh: prints "ready" once providing, and stops when its standard
input closes or after --seconds.
    python_provider.py KEY_FILE PORT NAME [--seconds S]"""
import argparse
import os
import select
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients",
                                "python"))
from gw_client import Client, key_from_file  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("key_file")
    parser.add_argument("port", type=int)
    parser.add_argument("name")
    parser.add_argument("--seconds", type=float, default=300)
    options = parser.parse_args()
    with Client(key_from_file(options.key_file), port=options.port, name="py-provider",
                workers=8) as client:
        client.provide(options.name, lambda call: {"data": call.get("data")})
        print("ready", flush=True)
        select.select([sys.stdin], [], [], options.seconds)  # until stdin closes, or the bound


if __name__ == "__main__":
    main()
