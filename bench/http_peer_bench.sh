#!/usr/bin/env bash
# HTTP ping round trips per second of gatewayd against nginx, in one run: wrk (one thread, C
# connections, keep-alive) POSTs a fresh ping token per request to gatewayd's /message, then
# the same requests to nginx answering with a static body of the size of gatewayd's reply.
# Each server has one worker (gatewayd --threads 1, nginx worker_processes 1) pinned to core 1,
# and wrk is pinned to core 0; rounds alternate gatewayd and nginx so that drift weighs on both.
# Prints each round and the ratio of the sums; asserts nothing about time.
#   http_peer_bench.sh BUILD_DIR [--seconds S] [--connections C] [--rounds R]
set -euo pipefail

build=${1:?usage: http_peer_bench.sh BUILD_DIR [--seconds S] [--connections C] [--rounds R]}
shift
seconds=5 connections=32 rounds=2
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "http_peer_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "http_peer_bench.sh: $tool is not installed (scripts/install-deps.sh --test installs it)" >&2
    exit 2
  }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ "$(nproc)" -ge 2 ] || echo "http_peer_bench.sh: one core only: servers and wrk share it" >&2
server_cpu=$(( $(nproc) >= 2 ? 1 : 0 ))

gateway_cpu=$server_cpu
source "$(dirname "$0")/start_gatewayd.sh"
start_gatewayd "$build" --http-port 0 --ws-port off --udp-port off --tcp-port off --threads 1
wrk_distinct_tokens "$build" 1
work=$(mktemp -d)  # nginx's, for the whole run; each gatewayd has a work directory of its own

# nginx's body: exactly as long as gatewayd's answer to a ping.
reply=$(head -1 "$gateway_work/tokens.txt" | curl -s --data-binary @- "http://127.0.0.1:$(port http)/message")
body_size=${#reply}
[ "$body_size" -gt 100 ] || { echo "http_peer_bench.sh: no ping reply from gatewayd: $reply" >&2; exit 1; }
head -c "$body_size" /dev/zero | tr '\0' 'x' >"$work/body.txt"
nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200 "$(cat "$work/body.txt")"; }
  }
}
CONF
taskset -c "$server_cpu" "$nginx" -c "$work/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
stop_all() { kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; stop_gatewayd; rm -rf "$work"; }
trap stop_all EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.05; done

run_wrk() {  # URL: prints requests per second
  taskset -c 0 wrk -t1 -c"$connections" -d"${seconds}s" -s "$gateway_work/post.lua" "$1" \
    >"$work/wrk.out"
  if grep -q "Non-2xx" "$work/wrk.out"; then cat "$work/wrk.out" >&2; exit 1; fi
  sed -n 's/Requests\/sec: *\([0-9.]*\)/\1/p' "$work/wrk.out"
}
echo "POST ping, wrk -t1 -c$connections, ${seconds} s each; servers on core $server_cpu, wrk on core 0;" \
     "nginx body $body_size bytes"
gw_runs=() nginx_runs=()
for ((round = 0; round < rounds; round++)); do
  # A fresh token list for each gatewayd run: the gateway acts on each token once.
  stop_gatewayd
  start_gatewayd "$build" --http-port 0 --ws-port off --udp-port off --tcp-port off --threads 1
  trap stop_all EXIT  # start_gatewayd sets its own
  wrk_distinct_tokens "$build" "$seconds"
  ours=$(run_wrk "http://127.0.0.1:$(port http)/message")
  theirs=$(run_wrk "http://127.0.0.1:$nginx_port/message")
  gw_runs+=("$ours") nginx_runs+=("$theirs")
  printf 'round %d: gatewayd %10.0f  nginx %10.0f  requests/s\n' "$((round + 1))" "$ours" "$theirs"
done
printf 'ratio gatewayd / nginx: %s (target at least 0.5)\n' \
  "$(awk -v a="${gw_runs[*]}" -v b="${nginx_runs[*]}" 'BEGIN {
      n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) { s += x[i]; t += y[i] }
      printf "%.2f", s / t }')"
