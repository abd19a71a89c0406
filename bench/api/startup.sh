#!/bin/bash
# Start-up time (process start to the first health answer) and resident memory of the packaged jar, run from its
# application directory as deploy/vippy.service runs it, in a namespace of its own. Root; repository root.
# usage: bench/api/startup.sh LABEL [JVM options...]
label=$1; shift
ns=vst-$$; ip netns add $ns; d=$(mktemp -d)
start=$(date +%s%N)
(cd target/quarkus-app && exec java "$@" -Dquarkus.http.port=18131 -Dvippy.netns=$ns -Dvippy.data-dir=$d -jar quarkus-run.jar) > $d/log 2>&1 &
pid=$!
for i in $(seq 1 600); do curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18131/q/health/live 2>/dev/null | grep -q 200 && break; sleep 0.01; done
end=$(date +%s%N)
rss=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
q=$(grep -o "started in [0-9.]*s" $d/log)
kill -9 $pid; wait $pid 2>/dev/null
ip netns del $ns; rm -rf $d
echo "$label: $(( (end-start)/1000000 )) ms to health, $q, RSS $((rss/1024)) MB"
