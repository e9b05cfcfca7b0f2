#!/usr/bin/env python3
"""Whether one client flooding the gateway starves another, on a real gatewayd on loopback with
its default limits: a pinger on TCP from 127.0.0.2 sends a ping every 20 ms, first alone (the
baseline), then while a flooder on 127.0.0.3 sends as fast as it can over UDP, then HTTP, then
WebSocket. For each phase: the share of pings answered within a second, their p50 and p99, the
p99 as a multiple of the baseline's, the flood's rate, and the gateway's resident memory.

The flooder holds the key (the worst case: its tokens decrypt), its tokens made beforehand by
bench/token_list; past that pool it sends them again, which the replay guard refuses. On two
cores or more the gateway runs on core 1 and the clients on core 0, the flooder at the lowest
priority: as if the flooder were another machine that the pinger's machine outranks, so that the
pinger's figures are the gateway's, not the scheduler's.
Figures are printed, nothing is asserted (the targets are in docs/operations.md).
  flood_bench.py BUILD_DIR [--seconds S]"""
import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import websocket
from cryptography.fernet import Fernet

PING_EVERY = 0.020
ANSWER_WITHIN = 1.0
FLOOD_SOURCE = "127.0.0.3"
PINGER_SOURCE = "127.0.0.2"


def pin(core):
    if os.cpu_count() and os.cpu_count() >= 2:
        os.sched_setaffinity(0, {core})


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_gateway(build, work):
    ready = os.path.join(work, "ready.json")
    process = subprocess.Popen(
        [os.path.join(build, "gateway/gatewayd/gatewayd"), "--data-dir", os.path.join(work, "data"),
         "--bind", "127.0.0.1", "--http-port", "0", "--ws-port", "0", "--udp-port", "0",
         "--tcp-port", "0", "--name", "flood", "--ready-file", ready, "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "gatewayd.err"), "w"),
        preexec_fn=lambda: pin(1))
    deadline = time.monotonic() + 10
    while not os.path.exists(ready):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit("gatewayd did not start: " + open(os.path.join(work, "gatewayd.err")).read())
        time.sleep(0.02)
    with open(ready) as f:
        return process, json.load(f)


def ping_phase(fernet, address, seconds, stop_flood=None):
    """Pings every 20 ms for `seconds` over one TCP connection; returns (round trips, sent)."""
    sock = socket.socket()
    sock.bind((PINGER_SOURCE, 0))
    sock.settimeout(ANSWER_WITHIN)
    sock.connect(address)
    lines = sock.makefile("rb")
    times, sent = [], 0
    end = time.monotonic() + seconds
    next_ping = time.monotonic()
    try:
        while time.monotonic() < end:
            token = fernet.encrypt(json.dumps({"userID": "pinger", "cmd": "ping",
                                               "id": str(sent)}).encode())
            start = time.monotonic()
            sock.sendall(token + b"\n")
            sent += 1
            try:
                reply = json.loads(fernet.decrypt(lines.readline().strip()))
                if reply.get("text") == "pong" and reply.get("id") == str(sent - 1):
                    times.append(time.monotonic() - start)
            except (socket.timeout, ValueError):
                # A late reply would be read as the next one's: start again on a new connection.
                sock.close()
                sock = socket.socket()
                sock.bind((PINGER_SOURCE, 0))
                sock.settimeout(ANSWER_WITHIN)
                sock.connect(address)
                lines = sock.makefile("rb")
            next_ping += PING_EVERY
            time.sleep(max(0.0, next_ping - time.monotonic()))
    finally:
        sock.close()
        if stop_flood:
            stop_flood.set()
    return times, sent


class Flooder:
    """Sends as fast as it can on one transport until stopped; counts what it sent. Runs in a
    process of its own (see Flood)."""

    def __init__(self, transport, ports, tokens, stop):
        self.transport, self.ports, self.tokens, self.stop = transport, ports, tokens, stop
        self.sent = 0

    def run(self, sent):
        threads = [threading.Thread(target=getattr(self, self.transport), daemon=True)
                   for _ in range(1 if self.transport == "udp" else 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent.value = self.sent

    def token(self):
        self.sent += 1
        return self.tokens[self.sent % len(self.tokens)]

    def udp(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((FLOOD_SOURCE, 0))
        sock.setblocking(False)
        target = ("127.0.0.1", self.ports["udp"])
        while not self.stop.is_set():
            try:
                sock.sendto(self.token(), target)
                sock.recv(65536)  # replies, while any come
            except (BlockingIOError, ConnectionRefusedError):
                pass
        sock.close()

    def http(self):
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.ports["http"]), timeout=2,
                                                source_address=(FLOOD_SOURCE, 0))
            except OSError:
                continue  # refused at a limit: at once again
            try:
                while not self.stop.is_set():
                    batch = b"".join(b"POST /message HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                                     + str(len(t)).encode() + b"\r\n\r\n" + t
                                     for t in (self.token() for _ in range(32)))
                    sock.sendall(batch)
                    answered = 0
                    while answered < 32:
                        data = sock.recv(1 << 16)
                        if not data:
                            raise ConnectionError
                        answered += data.count(b"HTTP/1.1 ")
            except OSError:
                pass
            finally:
                sock.close()

    def websocket(self):
        while not self.stop.is_set():
            try:
                ws = websocket.create_connection(
                    f"ws://127.0.0.1:{self.ports['ws']}/ws", timeout=2,
                    source_address=(FLOOD_SOURCE, 0))
            except Exception:
                continue
            reader = threading.Thread(target=self.drain, args=(ws,), daemon=True)
            reader.start()
            try:
                while not self.stop.is_set():
                    ws.send(self.token().decode())
            except Exception:
                pass
            finally:
                ws.close()
                reader.join(timeout=2)

    def drain(self, ws):
        try:
            while ws.recv():
                pass
        except Exception:
            pass



def flood_process(transport, ports, tokens, stop, sent):
    pin(0)
    os.nice(19)
    Flooder(transport, ports, tokens, stop).run(sent)


class Flood:
    """A flooder process for the length of a `with` block."""

    def __init__(self, transport, ports, tokens):
        self.stop = multiprocessing.Event()
        self.count = multiprocessing.Value("q", 0)
        self.process = multiprocessing.Process(
            target=flood_process, args=(transport, ports, tokens, self.stop, self.count))

    def __enter__(self):
        self.began = time.monotonic()
        self.process.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.elapsed = time.monotonic() - self.began
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
        self.sent = self.count.value


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--seconds", type=float, default=10.0, help="each phase (default 10)")
    args = parser.parse_args()
    pin(0)
    with tempfile.TemporaryDirectory(prefix="gw-flood-") as work:
        process, ready = start_gateway(args.build, work)
        try:
            key_file = ready["key_file"]
            with open(key_file) as f:
                fernet = Fernet(next(l.strip() for l in f if l.strip() and not l.startswith("#")))
            count = int(min(200000, max(20000, args.seconds * 20000)))
            tokens = subprocess.run(
                [os.path.join(args.build, "bench/token_list"), "--key-file", key_file,
                 "--count", str(count)], capture_output=True, check=True).stdout.split(b"\n")[:-1]
            address = ("127.0.0.1", ready["tcp"])
            print(f"gatewayd on 127.0.0.1 with its default limits, {os.cpu_count()} cores shared; "
                  f"a ping every {PING_EVERY * 1000:.0f} ms over TCP, {args.seconds:g} s a phase")
            base_times, base_sent = ping_phase(fernet, address, args.seconds)
            base_p99 = percentile(base_times, 0.99)
            rows = [("none", base_times, base_sent, 0, 0.0, rss_kib(process.pid))]
            peak = rss_kib(process.pid)
            for transport in ("udp", "http", "websocket"):
                with Flood(transport, ready, tokens) as flood:
                    times, sent = ping_phase(fernet, address, args.seconds)
                peak = max(peak, rss_kib(process.pid))
                rows.append((transport, times, sent, flood.sent, flood.elapsed, rss_kib(process.pid)))
            for transport, times, sent, flooded, elapsed, rss in rows:
                answered = 100.0 * len(times) / max(1, sent)
                rate = f"{flooded / elapsed:9.0f} msgs/s" if elapsed else "          none"
                print(f"flood {transport:9s} {rate}  pings answered {answered:6.2f} %  "
                      f"p50 {percentile(times, 0.5) * 1000:6.2f} ms  "
                      f"p99 {percentile(times, 0.99) * 1000:6.2f} ms "
                      f"({percentile(times, 0.99) / base_p99:5.2f}x baseline)  rss {rss / 1024:6.1f} MiB")
            limited = subprocess.run(["curl", "-s", f"http://127.0.0.1:{ready['http']}/metrics"],
                                     capture_output=True, text=True).stdout
            refused = sum(float(l.rsplit(" ", 1)[1]) for l in limited.splitlines()
                          if l.startswith("gw_rate_limited_total{"))
            print(f"rate-limited messages {refused:.0f}; peak rss {peak / 1024:.1f} MiB")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
