#!/bin/bash
# Boots the UML kernel with the host's / as its root file system (hostfs), runs WORK_DIR/cmd.sh inside as
# init's child, and powers off. The guest sees the host's files at the same paths (JDK, jars, classes).
# usage: run-uml.sh CACHE_DIR WORK_DIR [timeout_s=120] [mem=512M]
# exit status: cmd.sh's; 125 when none came back (guest crashed or timed out).
set -uo pipefail
CACHE=$(realpath "$1"); WORK=$(realpath "$2"); TIMEOUT=${3:-120}; MEM=${4:-512M}
HERE=$(dirname "$(realpath "$0")")
rm -f "$WORK/.exitcode"
# UML wants a writable, exec-able temp dir for its memory file.
export TMPDIR=${TMPDIR:-/tmp}
timeout --foreground -k 5 "$TIMEOUT" "$CACHE/root/usr/bin/linux.uml" mem="$MEM" root=/dev/root rootfstype=hostfs \
  rootflags=/ rw init="$HERE/uml-init" vmcache="$CACHE" vmwork="$WORK" con=null con0=null,fd:1 quiet 2>&1 \
  | grep -avE '^(SELinux:|mmapper_init|Failed to initialize ubd)'
[ -f "$WORK/.exitcode" ] && exit "$(cat "$WORK/.exitcode")" || exit 125
