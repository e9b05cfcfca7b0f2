#!/usr/bin/env bash
# Proves README's two commands on a fresh Debian bookworm: debootstraps a minimal bookworm,
# copies in the files git tracks (so anything left untracked is missed here too) and ../shared,
# then runs command (1) and command (2) inside it as root. The chroot is always removed.
#   tests/fresh-install/check.sh [--keep]       needs root, debootstrap and the Debian mirror
# GW_DEBIAN_MIRROR picks the mirror; GW_FRESH_TEST_SANITIZERS the sanitizer passes of (2)
# (default: none, as the passes on this machine cover them).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${GW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keep=false
[ "${1:-}" = "--keep" ] && keep=true

if [ "$(id -u)" -ne 0 ]; then echo "fresh-install: needs root (chroot, mounts)" >&2; exit 1; fi
command -v debootstrap >/dev/null || { echo "fresh-install: needs debootstrap" >&2; exit 1; }

root=$(mktemp -d /var/tmp/gw-fresh-XXXXXX)
cleanup() {
  for mount in dev/pts dev proc; do
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

mkdir -p "$root/work/main"
(cd "$repo" && git ls-files -z | xargs -0 tar -cf - ) | tar -xf - -C "$root/work/main"
cp -r "$repo/../shared" "$root/work/shared"

echo "== README command (1) on a fresh bookworm"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /work/main && bash scripts/run.sh'
echo "== README command (2) on a fresh bookworm"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  GW_TEST_SANITIZERS="${GW_FRESH_TEST_SANITIZERS:-}" GW_FRESH_INSTALL_CHECK=0 \
  bash -c 'cd /work/main && bash scripts/test.sh'
echo "fresh-install: both README commands passed on a fresh Debian bookworm"
