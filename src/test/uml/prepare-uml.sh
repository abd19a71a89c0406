#!/bin/bash
# Downloads Debian's user-mode-linux (a Linux kernel that runs as a process, with IPVS, nf_tables, veth and
# netns as modules) and ipvsadm, and unpacks them without installing anything.
# usage: prepare-uml.sh [CACHE_DIR]   (default: $VIPPY_UML_CACHE or ~/.cache/vippy-uml); idempotent.
set -euo pipefail
CACHE=$(realpath -m "${1:-${VIPPY_UML_CACHE:-$HOME/.cache/vippy-uml}}")
if [ -x "$CACHE/root/usr/bin/linux.uml" ] && [ -x "$CACHE/bin/ipvsadm" ] && [ -x "$CACHE/root/bin/busybox" ]; then
  echo "$CACHE"; exit 0
fi
mkdir -p "$CACHE/debs"
cd "$CACHE/debs"
apt-get download user-mode-linux ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0 busybox-static >&2
rm -rf "$CACHE/root"
for deb in *.deb; do dpkg -x "$deb" "$CACHE/root"; done
mkdir -p "$CACHE/bin"
# ipvsadm linked against the unpacked libnl, runnable inside the guest (which sees the host's files).
cat > "$CACHE/bin/ipvsadm" <<WRAPPER
#!/bin/sh
LD_LIBRARY_PATH=$CACHE/root/lib/x86_64-linux-gnu:$CACHE/root/usr/lib/x86_64-linux-gnu exec $CACHE/root/sbin/ipvsadm "\$@"
WRAPPER
chmod +x "$CACHE/bin/ipvsadm"
test -x "$CACHE/root/usr/bin/linux.uml" && test -x "$CACHE/root/bin/busybox"
echo "$CACHE"
