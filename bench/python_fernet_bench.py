"""Python's cryptography Fernet on one core: the reference codec_bench compares against.

Reads the plaintext from a file, prints one JSON object with tokens per second each way.
"""
import argparse
import json
import os
import time

import cryptography
from cryptography.fernet import Fernet


def rate(operation, seconds, max_count=10_000_000):
    """Calls operation in batches until seconds have passed; returns calls per second."""
    count, batch = 0, 1000
    start = time.perf_counter()
    while True:
        for _ in range(batch):
            operation()
        count += batch
        elapsed = time.perf_counter() - start
        if elapsed >= seconds or count >= max_count:
            return count / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plaintext-file", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--cpu", type=int, help="pin to this CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with open(args.plaintext_file, "rb") as f:
        plaintext = f.read()
    fernet = Fernet(args.key.encode())
    token = fernet.encrypt(plaintext)
    assert fernet.decrypt(token, ttl=120) == plaintext
    print(json.dumps({
        "cryptography": cryptography.__version__,
        "encrypt_per_s": rate(lambda: fernet.encrypt(plaintext), args.seconds),
        "decrypt_per_s": rate(lambda: fernet.decrypt(token, ttl=120), args.seconds),
    }))


if __name__ == "__main__":
    main()
