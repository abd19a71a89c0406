#!/usr/bin/env bash
# A miniature Equinix Metal in network namespaces, for the end-to-end tests (and by hand, as root):
#
#   client 198.18.0.2 --- 198.18.0.1 tor 10.99.182.128/31 --- 10.99.182.129 node --- 10.10.N.1 --- 10.10.N.2 beN
#                              lo: 169.254.255.1, .2                lo: Elastic IPs (Vippy)       (N = 1, 2, 3)
#
# tor: the top-of-rack router: one BIRD 2 per address (torN.conf) on 169.254.255.1 and .2 (multihop, MD5,
#      AS 65530), as Metal's routers; installs what it learns into its kernel table, and knows no other way to
#      198.51.100.0/24 (the fake Metal's Elastic IPs).
# node: where Vippy runs (vippy.netns=NAME-node); reaches the routers through static /32s via the ToR, as on
#       Metal, and has the ToR as its default gateway. Vippy itself is started by the test, not here.
#       The addresses, ASNs and password are those of the fake Metal's neighbour entry (FakeMetalNeighbors),
#       so by hand (the tests do not do this): start the fake standalone (FakeMetalApi), export what it
#       prints, and run
#       java -Dvippy.netns=NAME-node -jar target/quarkus-app/quarkus-run.jar
# beN: HTTP on :8080 (python3 http.server); GET /whoami answers "beN", GET /big is 1 MiB.
# client: its only route to the world is the ToR.
#
# Usage: rig.sh up|down|bird-stop|bird-start|bird-restart|status NAME
# NAME prefixes every namespace (NAME-tor, NAME-node, NAME-be1..3, NAME-client); configs, sockets and logs
# live in ${TMPDIR:-/tmp}/NAME. "up" first tears down what a previous run of the same NAME left. Every wait
# is bounded; "down" never fails.
set -euo pipefail

readonly TOR_AS=65530 NODE_AS=65000 MD5_PASSWORD='s3cretPassw0rd'
readonly TOR_LINK=10.99.182.128 NODE_LINK=10.99.182.129
readonly CLIENT_GW=198.18.0.1 CLIENT=198.18.0.2
readonly ROUTERS="169.254.255.1 169.254.255.2"
readonly BACKENDS="1 2 3"
readonly HTTP_PORT=8080

usage() {
  echo "usage: $0 up|down|bird-stop|bird-start|bird-restart|status NAME" >&2
  exit 2
}

[ $# -eq 2 ] || usage
readonly ACTION=$1 NAME=$2
[[ $NAME =~ ^[a-z0-9-]{1,24}$ ]] || { echo "rig: NAME must be [a-z0-9-]{1,24}" >&2; exit 2; }
readonly DIR=${TMPDIR:-/tmp}/$NAME
readonly TOR=$NAME-tor NODE=$NAME-node CLIENT_NS=$NAME-client

in_ns() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

# Polls a command every 50 ms for at most $1 seconds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local tries=$((seconds * 20))
  while ! "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "rig: $what not ready within ${seconds}s" >&2
      return 1
    fi
    sleep 0.05
  done
}

namespaces() {
  echo "$TOR $NODE $CLIENT_NS"
  for n in $BACKENDS; do echo "$NAME-be$n"; done
}

down() {
  for ns in $(namespaces); do
    if [ -e "/run/netns/$ns" ]; then
      local pids
      pids=$(ip netns pids "$ns" 2>/dev/null || true)
      [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  rm -rf "$DIR"
}

# A veth pair between two namespaces, addressed and up.
link() {
  local ns1=$1 if1=$2 cidr1=$3 ns2=$4 if2=$5 cidr2=$6
  ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2"
  in_ns "$ns1" ip addr add "$cidr1" dev "$if1"
  in_ns "$ns1" ip link set "$if1" up
  in_ns "$ns2" ip addr add "$cidr2" dev "$if2"
  in_ns "$ns2" ip link set "$if2" up
}

# One BIRD per router address, as the reference's bird-tor-mh1.conf: BIRD 2 will not run two sessions to
# the same neighbour in one instance. Each installs what it learns, with its own metric so both routes coexist.
bird_config() {
  local n=$1 router=$2
  cat <<EOF
log "$DIR/tor$n.log" all;
router id $router;
protocol device { }
# The link to the node, so that the multihop next hop (the node's $NODE_LINK) resolves.
protocol direct { ipv4; interface "tor-node"; }
# What BGP learned goes into the kernel: the client's packets reach an Elastic IP only through it.
protocol kernel {
  metric $((31 + n));
  ipv4 { import none; export where source = RTS_BGP; };
}
protocol bgp metal {
  local $router as $TOR_AS;
  neighbor $NODE_LINK as $NODE_AS;
  strict bind on;
  multihop 2;
  passive on;
  password "$MD5_PASSWORD";
  hold time 9;
  keepalive time 3;
  ipv4 { import all; export none; };
}
EOF
}

routers() {
  local n=1
  for router in $ROUTERS; do
    echo "$n $router"
    n=$((n + 1))
  done
}

start_birds() {
  routers | while read -r n router; do
    bird_config "$n" "$router" >"$DIR/tor$n.conf"
    in_ns "$TOR" bird -c "$DIR/tor$n.conf" -s "$DIR/tor$n.ctl" -P "$DIR/tor$n.pid"
  done
  routers | while read -r n _; do
    wait_for 10 "BIRD tor$n" birdc -s "$DIR/tor$n.ctl" show status
  done
}

stop_birds() {
  routers | while read -r n _; do
    [ -f "$DIR/tor$n.pid" ] || continue
    local pid
    pid=$(cat "$DIR/tor$n.pid")
    kill "$pid" 2>/dev/null || true
    wait_for 5 "BIRD tor$n to stop" sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    rm -f "$DIR/tor$n.pid" "$DIR/tor$n.ctl"
  done
}

start_backend() {
  local n=$1 ns=$NAME-be$1 root=$DIR/be$1
  mkdir -p "$root"
  printf 'be%s\n' "$n" >"$root/whoami"
  head -c 1048576 /dev/zero >"$root/big"
  # setsid + nohup: the server outlives this script; "down" kills it with its namespace.
  in_ns "$ns" setsid nohup python3 -m http.server "$HTTP_PORT" --bind "10.10.$n.2" --directory "$root" \
    >"$DIR/be$n.log" 2>&1 </dev/null &
}

up() {
  down
  trap 'echo "rig: up failed, tearing down" >&2; down' ERR
  mkdir -p "$DIR"
  for ns in $(namespaces); do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
  done

  # The ToR: router addresses on lo, a /31 to the node, a /24 to the client, and forwarding.
  for router in $ROUTERS; do in_ns "$TOR" ip addr add "$router/32" dev lo; done
  link "$TOR" tor-node "$TOR_LINK/31" "$NODE" node-tor "$NODE_LINK/31"
  link "$TOR" tor-client "$CLIENT_GW/24" "$CLIENT_NS" client-tor "$CLIENT/24"
  in_ns "$TOR" sysctl -qw net.ipv4.ip_forward=1

  # The node: static /32s to the routers and the default route via the ToR, as Metal configures them.
  for router in $ROUTERS; do in_ns "$NODE" ip route add "$router/32" via "$TOR_LINK"; done
  in_ns "$NODE" ip route add default via "$TOR_LINK"
  in_ns "$CLIENT_NS" ip route add default via "$CLIENT_GW"

  # Backends on their own links from the node. No route back: Vippy's full NAT must not need one.
  for n in $BACKENDS; do
    link "$NODE" "node-be$n" "10.10.$n.1/24" "$NAME-be$n" be "10.10.$n.2/24"
    start_backend "$n"
  done

  start_birds
  for n in $BACKENDS; do
    wait_for 10 "backend be$n" in_ns "$NODE" curl -sf --max-time 1 "http://10.10.$n.2:$HTTP_PORT/whoami"
  done
  echo "rig $NAME is up in $DIR"
}

case $ACTION in
  up) up ;;
  down) down ;;
  bird-stop) stop_birds ;;
  bird-start) start_birds ;;
  bird-restart) stop_birds; start_birds ;;
  status)
    routers | while read -r n _; do birdc -s "$DIR/tor$n.ctl" show protocols; done
    in_ns "$TOR" ip route show
    ;;
  *) usage ;;
esac
