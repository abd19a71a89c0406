#!/bin/sh
# podman with this machine's settings (containers.conf) and storage of the tests' own, kept in the cache so that
# images and build layers survive between runs without touching the machine's storage.
# usage: podman.sh ARGS...   (as podman; cache: $VIPPY_CONTAINER_CACHE or ~/.cache/vippy-container)
set -eu
here=$(dirname "$(realpath "$0")")
cache=${VIPPY_CONTAINER_CACHE:-$HOME/.cache/vippy-container}
# Run-time state on tmpfs, as podman expects (a reboot clears it), one directory per cache.
run=/run/vippy-container/$(printf %s "$cache" | md5sum | cut -c1-12)
export CONTAINERS_CONF="$here/containers.conf"
exec podman --root "$cache/storage" --runroot "$run/storage" --tmpdir "$run/libpod" "$@"
