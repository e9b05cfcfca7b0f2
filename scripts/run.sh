#!/usr/bin/env bash
# README command (1): install what is needed, build, and run gw with its embedded defaults.
# Until the gateway daemon lands, "running gw" is its token tools: a key file in ./gw-data
# (created on first run, mode 0600) and a message encrypted and decrypted with it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh

gwctl=build/clients/gwctl/gwctl
data_dir=${GW_DATA_DIR:-gw-data}
key_file=$data_dir/gw.key
mkdir -p "$data_dir"
if [ ! -f "$key_file" ]; then
  "$gwctl" keygen --out "$key_file"
else
  echo "using the key in $key_file"
fi

message='{"userID":"gw","cmd":"ping","text":"hello from gw"}'
token=$(printf '%s' "$message" | "$gwctl" encrypt --key-file "$key_file")
echo "message:   $message"
echo "token:     $token"
echo "decrypted: $(printf '%s' "$token" | "$gwctl" decrypt --key-file "$key_file" --ttl 120)"
