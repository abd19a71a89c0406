#!/bin/sh
# Runs inside the UML guest, from the work directory: the packaged Vippy as a user starts it, twice.
# 1. IPVS with masquerade on (the default), which this kernel's nftables cannot do: a create must say so in its
#    status and message, readiness must be DOWN and the metrics must count it.
# 2. Masquerade off: a create with a backend must be programmed (ipvsadm -ln) and readiness UP.
# Both runs use the guest's own network namespace: the guest is a kernel of its own.
# Leaves NAME.log, NAME.lb.json, NAME.ready.json/.code, NAME.metrics and masquerade-off.ipvsadm for the test.
# usage: vippy-in-guest.sh JAVA APP_DIR
JAVA=$1; APP=$2; WORK=$(pwd)
TOKEN=uml-token-0123456789abcdef
URL=http://127.0.0.1:10001
api() { curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$@"; }

start_vippy() { # NAME -Dkey=value...
  name=$1; shift
  mkdir -p "$WORK/$name-data"
  # The guest has one slow CPU: no C2, a small heap, the class-data archive.
  (cd "$APP" && exec "$JAVA" -XX:SharedArchiveFile=app-cds.jsa -XX:+UseSerialGC -Xms16m -Xmx128m \
    -XX:TieredStopAtLevel=1 -Dvippy.data-dir="$WORK/$name-data" -Dvippy.api.token=$TOKEN \
    -Dvippy.bgp.enabled=false -Dvippy.metrics.refresh-interval=1s "$@" -jar quarkus-run.jar) > "$WORK/$name.log" 2>&1 &
  PID=$!
  i=0
  until curl -s -m 2 -o /dev/null "$URL/q/health/live"; do
    kill -0 $PID 2>/dev/null || { echo "$name: Vippy exited"; return 1; }
    i=$((i+1)); [ $i -le 180 ] || { echo "$name: Vippy not up after 180 s"; return 1; }
    sleep 1
  done
}

stop_vippy() {
  kill $PID; wait $PID
}

# NAME UUID: waits (bounded) until the load balancer is no longer PENDING, and saves it.
settle() {
  i=0
  while [ $i -lt 60 ]; do
    api "$URL/loadbalancer/$2" > "$WORK/$1.lb.json"
    [ "$(jq -r .status "$WORK/$1.lb.json")" != PENDING ] && return 0
    i=$((i+1)); sleep 1
  done
}

# NAME: readiness (body and status code) and the load balancer gauge, after a metrics refresh.
observe() {
  sleep 2
  curl -s -m 10 -o "$WORK/$1.ready.json" -w '%{http_code}' "$URL/q/health/ready" > "$WORK/$1.ready.code"
  api "$URL/q/metrics" | grep '^vippy_loadbalancers' > "$WORK/$1.metrics"
}

start_vippy masquerade-on || exit 1
uuid=$(api -X POST "$URL/loadbalancer" -d '{"name":"web","port":80}' | jq -r .uuid)
settle masquerade-on "$uuid"
observe masquerade-on
stop_vippy

# Health checks off: nothing listens at the backend, and a checked one would be programmed at weight 0.
start_vippy masquerade-off -Dvippy.ipvs.masquerade=false -Dvippy.health.enabled=false || exit 1
uuid=$(api -X POST "$URL/loadbalancer" -d '{"name":"web","port":80}' | jq -r .uuid)
api -X POST "$URL/loadbalancer/$uuid/backend" -d '{"ip":"10.0.0.2","port":8080}' > /dev/null
settle masquerade-off "$uuid"
i=0
until ipvsadm -ln | grep -q '10.0.0.2:8080' || [ $i -ge 30 ]; do i=$((i+1)); sleep 1; done
ipvsadm -ln > "$WORK/masquerade-off.ipvsadm"
observe masquerade-off
stop_vippy
echo "guest done"
