"""The original projects' clients, as they were written: a Message as JSON inside a Fernet token,
over WebSocket (the relay: a welcome, then chat that reaches everyone), UDP (one datagram, one
answer) and HTTP (POST /message). Nothing but cryptography, websocket-client, requests and
sockets: gw serves them unchanged.

    python3 examples/python/original_clients.py --key-file gw-data/gw.key
"""
import argparse
import json
import socket
import time

import requests
import websocket
from cryptography.fernet import Fernet


def message(user, text="", cmd=""):
    """The original Message: its five fields, always all of them."""
    return {"userID": user, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"), "text": text,
            "cmd": cmd, "args": ""}


def main():
    parser = argparse.ArgumentParser(description="The original clients' flow against gw")
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=5000)
    parser.add_argument("--ws-port", type=int, default=8000)
    parser.add_argument("--udp-port", type=int, default=1234)
    options = parser.parse_args()
    with open(options.key_file) as f:  # the first key line; comments start with #
        key = next(line.strip() for line in f if line.strip() and not line.startswith("#"))
    fernet = Fernet(key)
    seal = lambda body: fernet.encrypt(json.dumps(body).encode())  # noqa: E731
    open_ = lambda token: json.loads(fernet.decrypt(token))  # noqa: E731

    # The WebSocket relay: a welcome on connect; a chat comes back to its sender with everyone.
    ws = websocket.create_connection(f"ws://{options.host}:{options.ws_port}/ws", timeout=10)
    print("websocket welcome:", open_(ws.recv().encode())["text"])
    ws.send(seal(message("alice", "hello, everyone")).decode())
    print("websocket chat back:", open_(ws.recv().encode())["text"])
    ws.close()

    # UDP: one datagram, one answer.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(10)
        udp.sendto(seal(message("sensor", cmd="ping")), (options.host, options.udp_port))
        print("udp answer:", open_(udp.recvfrom(65536)[0])["text"])

    # HTTP: POST a token, the answer is a token.
    reply = requests.post(f"http://{options.host}:{options.http_port}/message",
                          data=seal(message("browser", cmd="ping")), timeout=10)
    print("http answer:", reply.status_code, open_(reply.content)["text"])


if __name__ == "__main__":
    main()
