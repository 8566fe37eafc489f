#!/usr/bin/env bash
# The fault suite (issue 12, point 10) against the packaged hub on the embedded default:
# kill -9 of the hub under load, kill -9 of the embedded PostgreSQL's postmaster, a broker
# outage (for the embedded broker: a hub restart), a downstream outage and a poison-data mix,
# with a table per scenario at the end. The driver is FaultSuiteIT (src/test/java/.../faults).
#
#   faults/run.sh            the long version (5 cycles each, a 75 s sink outage, ~100 deliveries/s);
#                            its report goes to faults/RESULTS.md
#   faults/run.sh --short    the short version (two cycles each), as .ci/run runs it; report in
#                            target/faults-RESULTS.md
#   faults/run.sh --external [--short]
#                            the same scenarios with the hub in external mode: a PostgreSQL server and a
#                            standalone Artemis 2.40.0 (the Apache distribution), each killed (-9) and
#                            started again by the suite; the long version writes faults/RESULTS-external.md
#   faults/run.sh --scale-out [--short]
#                            the scale-out test instead (ScaleOutIT, issue 14): three replicas on an
#                            external PostgreSQL and an Artemis live/backup pair, replicas and the live
#                            broker killed under load; the long version (3 rounds) writes
#                            faults/RESULTS-scale-out.md, the short one (1 round) is what ./mvnw verify runs
# Extra -D options are passed on, e.g. -Dfaults.cycles=3 -Dfaults.rate=150 -Dfaults.sink-outage=90
# -Dfaults.require-self-heal=false (allows the suite to restart a hub whose database it killed; scale-out: -Dscaleout.rounds=5 -Dscaleout.rate=120).
# Needs Java 17+; builds the jar first (offline, as the README says).
set -euo pipefail
cd "$(dirname "$0")/.."
invoked="faults/run.sh${*:+ $*}"
mode=long
suite=FaultSuiteIT
prefix=faults
results=faults/RESULTS.md
title="Fault suite results"
args=()
for arg in "$@"; do
  case "$arg" in
    --short) mode=short ;;
    --long) mode=long ;;
    --external) args+=("-Dfaults.external=true"); results=faults/RESULTS-external.md; title="Fault suite results, external mode" ;;
    --scale-out) suite=ScaleOutIT; prefix=scaleout; results=faults/RESULTS-scale-out.md; title="Scale-out results" ;;
    -D*) args+=("$arg") ;;
    *) echo "usage: faults/run.sh [--external|--scale-out] [--short|--long] [-Dfaults.x=y ...]" >&2; exit 2 ;;
  esac
done
if [ "$mode" = long ]; then
  # The hubs with the JVM's defaults (the suite's own runs use the JIT's first tier, for time: pom.xml)
  args+=("-D$prefix.long=true" "-D$prefix.results=$PWD/$results.new" "-Dhub.java-options=-XX:+TieredCompilation")
fi
status=0
./mvnw -B -o -Dquarkus.analytics.disabled=true verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=$suite "${args[@]}" || status=$?
if [ "$mode" = long ] && [ -f "$results.new" ]; then
  {
    echo "# $title"
    echo
    echo "Command: \`$invoked\` (long version) on $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores."
    echo "Exit status: $status (non-zero: the goal was not met; the reasons are in the Maven output)."
    echo
    cat "$results.new"
  } > "$results"
  rm -f "$results.new"
  echo "Report written to $results"
fi
exit $status
