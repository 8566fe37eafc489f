#!/usr/bin/env bash
# The fault suite (issue 12, point 10) against the packaged hub on the embedded default:
# kill -9 of the hub under load, kill -9 of the embedded PostgreSQL's postmaster, a broker
# outage (for the embedded broker: a hub restart), a downstream outage and a poison-data mix,
# with a table per scenario at the end. The driver is FaultSuiteIT (src/test/java/.../faults).
#
#   faults/run.sh            the long version (5 cycles each, a 75 s sink outage, ~100 deliveries/s);
#                            its report goes to faults/RESULTS.md
#   faults/run.sh --short    the short version (one cycle each), as .ci/run runs it; report in
#                            target/faults-RESULTS.md
# Extra -D options are passed on, e.g. -Dfaults.cycles=3 -Dfaults.rate=150 -Dfaults.sink-outage=90
# -Dfaults.require-self-heal=true. Needs Java 17+; builds the jar first (offline, as the README says).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=long
args=()
for arg in "$@"; do
  case "$arg" in
    --short) mode=short ;;
    --long) mode=long ;;
    -D*) args+=("$arg") ;;
    *) echo "usage: faults/run.sh [--short|--long] [-Dfaults.x=y ...]" >&2; exit 2 ;;
  esac
done
if [ "$mode" = long ]; then
  args+=(-Dfaults.long=true "-Dfaults.results=$PWD/faults/RESULTS.md.new")
fi
status=0
./mvnw -B -o -Dquarkus.analytics.disabled=true verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FaultSuiteIT "${args[@]}" || status=$?
if [ "$mode" = long ] && [ -f faults/RESULTS.md.new ]; then
  {
    echo "# Fault suite results"
    echo
    echo "Command: \`faults/run.sh\` (long version) on $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores."
    echo "Exit status: $status (non-zero: the goal was not met; the reasons are in the Maven output)."
    echo
    cat faults/RESULTS.md.new
  } > faults/RESULTS.md
  rm -f faults/RESULTS.md.new
  echo "Report written to faults/RESULTS.md"
fi
exit $status
