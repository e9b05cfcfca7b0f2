# Sourced by the benchmark scripts: starts gatewayd on loopback for the rest of the script, with
# a data directory of its own; both are gone when the script ends.
#   start_gatewayd BUILD_DIR [gatewayd options...]
# Loopback is a trusted network and sessions have no rate limit, so that the per-address and
# per-client limits do not cap a load that comes from one address; a benchmark of the limits
# passes options after these to set its own.
# Then: $gateway_pid, $gateway_key (its key file), $gateway_work (a scratch directory), and
# `port NAME` (http, ws, udp or tcp) from its ready file.
start_gatewayd() {
  local build=$1
  shift
  gateway_work=$(mktemp -d)
  trap stop_gatewayd EXIT
  # gateway_cpu=N pins the gateway to that core (taskset), for figures that other load would blur.
  local pin=()
  if [ -n "${gateway_cpu:-}" ] && command -v taskset >/dev/null; then pin=(taskset -c "$gateway_cpu"); fi
  "${pin[@]}" "$build/gateway/gatewayd/gatewayd" --data-dir "$gateway_work/data" --bind 127.0.0.1 \
    --name bench --ready-file "$gateway_work/ready.json" --log-level warn \
    --trusted-networks 127.0.0.0/8 --session-rate 0 "$@" \
    >"$gateway_work/gatewayd.out" 2>"$gateway_work/gatewayd.err" &
  gateway_pid=$!
  for _ in $(seq 100); do [ -f "$gateway_work/ready.json" ] && break; sleep 0.05; done
  [ -f "$gateway_work/ready.json" ] || { cat "$gateway_work/gatewayd.err" >&2; exit 1; }
  gateway_key=$gateway_work/data/gw.key
}

stop_gatewayd() {
  if [ -n "${gateway_pid:-}" ]; then kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true; fi
  rm -rf "$gateway_work"
}

port() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$gateway_work/ready.json"; }

# Writes $gateway_work/post.lua: wrk POSTs a different ping token with every request, enough of
# them for SECONDS (the gateway acts on each token once; one sent twice would be refused).
#   wrk_distinct_tokens BUILD_DIR SECONDS
wrk_distinct_tokens() {
  "$1/bench/token_list" --key-file "$gateway_key" --count $(($2 * 200000)) \
    >"$gateway_work/tokens.txt"
  cat >"$gateway_work/post.lua" <<EOF
local tokens, next = {}, 0
for line in io.lines("$gateway_work/tokens.txt") do tokens[#tokens + 1] = line end
request = function()
  next = next + 1
  return wrk.format("POST", nil, nil, tokens[next])
end
EOF
}
