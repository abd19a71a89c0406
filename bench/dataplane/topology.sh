#!/bin/bash
# Builds the benchmark topology (as in the reference rig topo-lb.sh), with namespaces prefixed vnftb-:
#   vnftb-client (10.10.0.2) -> vnftb-lb (10.10.0.1, VIP 203.0.113.10 on lo, br0 10.20.0.1)
#   -> vnftb-be1 / vnftb-be2 (10.20.0.11 / .12), each running nginx-light that answers "beN".
# Usage: topology.sh up WORKDIR | topology.sh down
set -euo pipefail
P=vnftb
if [ "${1:-}" = down ]; then
  for n in client lb be1 be2; do
    for pid in $(ip netns pids $P-$n 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  for n in client lb be1 be2; do ip netns del $P-$n 2>/dev/null || true; done
  exit 0
fi
WORKDIR=${2:?usage: topology.sh up WORKDIR}
for n in client lb be1 be2; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
ip link add c-eth0 netns $P-client type veth peer name lb-c netns $P-lb
ip -n $P-client addr add 10.10.0.2/24 dev c-eth0; ip -n $P-client link set c-eth0 up
ip -n $P-lb addr add 10.10.0.1/24 dev lb-c; ip -n $P-lb link set lb-c up
ip -n $P-client route add default via 10.10.0.1
ip -n $P-lb link add br0 type bridge
ip -n $P-lb addr add 10.20.0.1/24 dev br0; ip -n $P-lb link set br0 up
i=11
for b in be1 be2; do
  ip link add eth0 netns $P-$b type veth peer name lb-$b netns $P-lb
  ip -n $P-lb link set lb-$b master br0; ip -n $P-lb link set lb-$b up
  ip -n $P-$b addr add 10.20.0.$i/24 dev eth0; ip -n $P-$b link set eth0 up
  ip -n $P-$b route add default via 10.20.0.1
  mkdir -p "$WORKDIR/$b/tmp" "$WORKDIR/$b/logs"
  cat > "$WORKDIR/$b/nginx.conf" <<CONF
worker_processes 1;
pid $WORKDIR/$b/nginx.pid;
error_log $WORKDIR/$b/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORKDIR/$b/tmp;
  proxy_temp_path $WORKDIR/$b/tmp;
  keepalive_requests 1000000;
  server {
    listen 80 reuseport;
    location / { default_type text/plain; return 200 "$b\n"; }
  }
}
CONF
  ip netns exec $P-$b nginx -c "$WORKDIR/$b/nginx.conf"
  i=$((i+1))
done
ip -n $P-lb addr add 203.0.113.10/32 dev lo
# HAProxy in TCP mode on the same lb node, on the VIP's port 8080, for comparison.
cat > "$WORKDIR/haproxy.cfg" <<CONF
global
  maxconn 8000
  pidfile $WORKDIR/haproxy.pid
  daemon
defaults
  mode tcp
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend vip
  bind 203.0.113.10:8080
  default_backend web
backend web
  balance roundrobin
  server be1 10.20.0.11:80
  server be2 10.20.0.12:80
CONF
ip netns exec $P-lb haproxy -f "$WORKDIR/haproxy.cfg"
