"""Round-trip times of direct messages to an HTTP session (each kept in its mailbox), sent one
at a time over a WebSocket: with the SQLite store a reply waits for its commit, so the
difference from the memory store is what storing adds. Prints p50 and p99 in microseconds.
   storage_latency.py WS_URL KEY_FILE RECIPIENT COUNT"""
import json
import sys
import time

import websocket
from cryptography.fernet import Fernet


def main():
    url, key_file, recipient, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(key_file) as f:
        key = next(line.strip() for line in f if line.strip() and not line.startswith("#"))
    fernet = Fernet(key)
    ws = websocket.create_connection(url, timeout=10)
    ws.recv()  # the welcome
    # Tokens made before timing, so that the figures are the gateway's, not Python's Fernet.
    tokens = [fernet.encrypt(json.dumps({"cmd": "send", "to": recipient, "id": f"l{i}",
                                         "text": f"reading {i}"}).encode()).decode()
              for i in range(count)]
    times = []
    for token in tokens:
        started = time.perf_counter()
        ws.send(token)
        reply = ws.recv()
        times.append(time.perf_counter() - started)
        answer = json.loads(fernet.decrypt(reply.encode()))
        if answer.get("code") != 200:
            sys.exit(f"storage_latency: a refused send: {answer.get('text')}")
    ws.close()
    times.sort()
    p50 = times[len(times) // 2] * 1e6
    p99 = times[min(len(times) - 1, len(times) * 99 // 100)] * 1e6
    print(f"{p50:.0f} {p99:.0f}")


if __name__ == "__main__":
    main()
