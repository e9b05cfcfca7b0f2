#!/usr/bin/env bash
# Proves README's two commands on a fresh Debian bookworm: debootstraps a minimal bookworm,
# copies in the files git tracks (so anything left untracked is missed here too) and ../shared,
# then runs command (1) and command (2) inside it as root. The chroot is always removed.
#   tests/fresh-install/check.sh [--keep]       needs root, debootstrap and the Debian mirror
# GW_DEBIAN_MIRROR picks the mirror; GW_FRESH_TEST_SANITIZERS the sanitizer passes of (2)
# (default: none, as the passes on this machine cover them), GW_FRESH_TEST_FUZZ=1 the fuzzing
# smoke run (default: off, likewise).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${GW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keep=false
[ "${1:-}" = "--keep" ] && keep=true

if [ "$(id -u)" -ne 0 ]; then echo "fresh-install: needs root (chroot, mounts)" >&2; exit 1; fi
command -v debootstrap >/dev/null || { echo "fresh-install: needs debootstrap" >&2; exit 1; }

root=$(mktemp -d /var/tmp/gw-fresh-XXXXXX)
cleanup() {
  # run/netns: `ip netns` (the discovery tests' namespace LAN) bind-mounts it on first use.
  for mount in root/.cache/ccache run/netns dev/pts dev proc; do
    mountpoint -q "$root/$mount" && umount -l "$root/$mount"
  done
  if $keep; then echo "fresh-install: kept $root"; else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

echo "== debootstrap bookworm (minbase) into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
# The host's compiler cache, shared: the chroot still installs and runs its own compiler and
# headers (ccache checks both), it only skips compiling what the host compiled identically.
# GW_FRESH_CCACHE=0 builds from nothing, as a new machine does.
host_ccache=$(ccache -k cache_dir 2>/dev/null || true)
if [ "${GW_FRESH_CCACHE:-1}" != 0 ] && [ -d "$host_ccache" ]; then
  mkdir -p "$root/root/.cache/ccache"
  mount --bind "$host_ccache" "$root/root/.cache/ccache"
fi

mkdir -p "$root/work/main"
# One tar reads the whole list: xargs would split it over several archives, and the extracting
# tar stops at the first one's end.
(cd "$repo" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$root/work/main"
cp -r "$repo/../shared" "$root/work/shared"

# The host's trusted certificates, for npm inside the chroot: where HTTPS goes through a proxy
# that re-signs it, this host trusts the proxy's CA and so must the fresh machine on the same
# network. Nothing else is carried over; on a direct connection this changes nothing.
host_ca=/etc/ssl/certs/ca-certificates.crt
trust=()
if [ -f "$host_ca" ]; then
  cp "$host_ca" "$root/etc/gw-host-ca.crt"
  trust=(NODE_EXTRA_CA_CERTS=/etc/gw-host-ca.crt)
fi

echo "== README command (1) on a fresh bookworm"
# Command (1) installs packages, so it needs the host's network; the gateway it starts then
# listens on its default ports for the few seconds of this check, which talks to it over
# loopback only.
bash -s "$root" "${trust[@]}" <<'CHECK'
set -euo pipefail
root=$1
shift  # then the trust variables, if any
log=$root/run.log
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" \
  bash -c 'cd /work/main && exec bash scripts/run.sh' >"$log" 2>&1 &
gatewayd=$!
# On any failure below, command (1) (still installing, building or serving) must not outlive
# the check: the chroot is removed next.
trap 'kill -TERM "$gatewayd" 2>/dev/null || true; wait "$gatewayd" 2>/dev/null || true' EXIT
for _ in $(seq 3600); do  # installing and building take most of this
  grep -q "console   http://" "$log" && break  # the banner's line, not a package's name
  kill -0 "$gatewayd" 2>/dev/null || { tail -30 "$log"; echo "fresh-install: command (1) exited"; exit 1; }
  sleep 1
done
grep -q "console   http://127.0.0.1:5000/" "$log" || { tail -30 "$log"; exit 1; }
sed -n '/^gatewayd /,$p' "$log"
exec 3<>/dev/tcp/127.0.0.1/5000
printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
grep -q '"status":"ok"' <&3 || { echo "fresh-install: /healthz did not answer ok"; exit 1; }
exec 3<&-
data=$root/work/main/gw-data
[ -f "$data/gatewayd.toml" ] || { echo "fresh-install: no config file"; exit 1; }
[ "$(stat -c %a "$data/gw.key")" = 600 ] || { echo "fresh-install: key file not 0600"; exit 1; }
kill -TERM "$gatewayd"
wait "$gatewayd" || { echo "fresh-install: gatewayd exited with $? on SIGTERM"; exit 1; }
echo "fresh-install: command (1) started gatewayd with its defaults; it answered and stopped cleanly"
CHECK
echo "== README command (2) on a fresh bookworm"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "${trust[@]}" \
  GW_TEST_SANITIZERS="${GW_FRESH_TEST_SANITIZERS:-}" GW_FRESH_INSTALL_CHECK=0 \
  GW_TEST_FUZZ="${GW_FRESH_TEST_FUZZ:-0}" \
  bash -c 'cd /work/main && bash scripts/test.sh'
echo "fresh-install: both README commands passed on a fresh Debian bookworm"
