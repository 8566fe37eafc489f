#!/usr/bin/env bash
# What one call to a downstream costs the JVM: the JDK's HTTP client (sendAsync, sendAsync on the
# calling thread, send: the http connector's) and Camel's http component, in turn in one JVM,
# against nginx `return 200` on 127.0.0.1; and `send` with the client's work on its selector thread.
#   bench/http-client/run.sh [calls per round=50000] [threads=16] [rounds=3]
# Needs Java 17+ and nginx (Debian's nginx-light). Results: bench/steps.md, steps 31 and 32.
set -euo pipefail
cd "$(dirname "$0")"
calls=${1:-50000} threads=${2:-16} rounds=${3:-3}
work=$(mktemp -d /tmp/http-client-cost.XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
. ../nginx-sink.sh
start_nginx_sink "$work" "$port"
trap 'stop_nginx_sink "$work"; rm -rf "$work"' EXIT
../../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$(cat "$work/cp.txt")" src/main/java/HttpClientCost.java
java -Xmx256m -cp "$work/classes:$(cat "$work/cp.txt")" HttpClientCost "http://127.0.0.1:$port/calls" "$calls" "$threads" "$rounds"
