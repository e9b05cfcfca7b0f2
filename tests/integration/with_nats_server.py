"""Runs a program with a real nats-server of its own on loopback: its URL is in GW_TEST_NATS_URL.
For the C++ tests of the cluster's NATS connection:
    with_nats_server.py PROGRAM [ARGS...]"""
import os
import subprocess
import sys

from nats_support import NatsServer


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    nats = NatsServer(name="solo").start()
    try:
        environment = dict(os.environ, GW_TEST_NATS_URL=nats.url)
        code = subprocess.run(sys.argv[1:], env=environment, timeout=240).returncode
        if code != 0:
            print("nats-server's log:\n" + nats.log(), file=sys.stderr)
        return code
    finally:
        nats.close()


if __name__ == "__main__":
    sys.exit(main())
