#!/bin/bash
# Makes the base images the container test builds Vippy's image on, from Debian's mirror (no image registry
# reaches CI): localhost/debian:bookworm (debootstrap minbase; its tarball is cached, debootstrap is the slow
# part) and localhost/jre17:bookworm (Containerfile.jre). Idempotent: a warm run finds both and does nothing.
# usage: prepare-base.sh   (cache: $VIPPY_CONTAINER_CACHE or ~/.cache/vippy-container); prints the JRE image.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
cache=${VIPPY_CONTAINER_CACHE:-$HOME/.cache/vippy-container}
podman=$here/podman.sh
readonly BASE=localhost/debian:bookworm JRE=localhost/jre17:bookworm
tarball=$cache/debian-bookworm-minbase.tar
mkdir -p "$cache"

if [ ! -s "$tarball" ]; then
  # The machine's own mirror (deb822 sources), as apt-get uses it.
  mirror=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs" "$tarball.part"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >&2
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$rootfs"
fi
if ! "$podman" image exists "$BASE"; then
  "$podman" import --change 'CMD ["/bin/bash"]' "$tarball" "$BASE" >&2
fi
if ! "$podman" image exists "$JRE"; then
  "$podman" build --network=host -f "$here/Containerfile.jre" -t "$JRE" "$here" >&2
fi
echo "$JRE"
