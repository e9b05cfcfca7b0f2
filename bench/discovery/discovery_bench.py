#!/usr/bin/python3
"""Discovery on a LAN of network namespaces (made here, deleted on exit): 2 gateways and a
client on a /24 whose other 251 addresses are silent (no host answers ARP).

Prints, for `gwctl discover --scan` of the /24, the wall time of the whole command and the scan
time gwctl reports; and for `gwctl discover --probe`, the time to the first answer (the smallest
round-trip time among the answers). The first scan meets an empty neighbour table, so it is
shown apart from the others. A silent address costs the connect timeout (250 ms), all of them
at once.

Usage: discovery_bench.py BUILD_DIR [--runs N]. Needs root; exits 77 (skipped) otherwise."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for folder in ("integration", "netns"):
    sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", folder))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=5, help="scans and probes (default 5)")
    options = parser.parse_args()
    build = os.path.abspath(options.build_dir)
    os.environ["GATEWAYD"] = os.path.join(build, "gateway", "gatewayd", "gatewayd")
    gwctl = os.path.join(build, "clients", "gwctl", "gwctl")

    from netns_lan import NetnsLan, netns_unavailable_reason
    reason = netns_unavailable_reason()
    if reason:
        print(f"skipped: {reason}")
        return 77
    from gateway_support import Gateway, json_lines

    lan = NetnsLan({"a": 1, "b": 2, "client": 200}, subnet="10.78.0", tag="bench")
    gateways = []
    try:
        lan.start()
        for host in ("a", "b"):
            gateway = Gateway(bind="0.0.0.0", http_port=5000, prefix=lan.exec_prefix(host))
            gateway.set_option("--udp-port", 1234)
            if gateways:
                gateway.use_key_of(gateways[0])
            gateways.append(gateway.start())
        key_file = gateways[0].ready["key_file"]

        def discover(*args):
            started = time.monotonic()
            result = lan.run("client", [gwctl, "discover", "--key-file", key_file, "--json",
                                        *args], capture_output=True, text=True, timeout=60)
            wall = time.monotonic() - started
            found = json_lines(result.stdout)
            if result.returncode != 0 or len(found) != 2:
                raise RuntimeError(f"expected 2 gateways, got {len(found)}: {result.stderr}")
            return wall, found, result.stderr

        print(f"LAN {lan.network}: gateways at {lan.address('a')} and {lan.address('b')}, "
              f"client at {lan.address('client')}, 251 silent addresses")
        walls, reported = [], []
        for run in range(options.runs):
            wall, _, stderr = discover("--scan", lan.network)
            seconds = float(re.search(r"scan of 254 addresses on TCP port \d+ ([0-9.]+) s",
                                      stderr).group(1))
            walls.append(wall)
            reported.append(seconds)
            label = "first scan (cold neighbour table)" if run == 0 else f"scan {run + 1}"
            print(f"  {label:36} gwctl wall {wall * 1000:7.1f} ms   scan {seconds * 1000:5.0f} ms")
        print(f"scan of a /24 (254 addresses, 2 gateways): median wall {statistics.median(walls) * 1000:.1f} ms, "
              f"worst {max(walls) * 1000:.1f} ms over {len(walls)} runs (target 500 ms)")

        firsts = []
        for _ in range(options.runs):
            _, found, _ = discover("--probe", "--timeout", "0.3")
            firsts.append(min(g["rtt_ms"] for g in found))
        print(f"probe time to first answer: median {statistics.median(firsts):.2f} ms, "
              f"worst {max(firsts):.2f} ms over {len(firsts)} runs (target 50 ms)")
        return 0
    finally:
        for gateway in gateways:
            gateway.close()
        lan.close()


if __name__ == "__main__":
    sys.exit(main())
