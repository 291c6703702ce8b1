#!/usr/bin/env bash
# Autobahn|Testsuite client cases 1-10: framewire's echo testee (FramewireTestee.java, public API
# only) against a raw java.net.http echo client (../shared/autobahn/AutobahnRawJdk.java, default
# HttpClient), RUNS runs each, alternating, then the tally and the per-case table (tally.py).
#
#   bash conformance/autobahn/compare.sh <mirror git dir>      # or MIRROR=<dir> bash ...
#
# MIRROR: the git dir the search tool's fetch printed for github:ricardo-valero/autobahn-testsuite.
# Optional: RUNS (3), AB_OUT (where each run's reports go; /tmp/framewire-autobahn/<time>),
# AUTOBAHN_DIR (the dir of run.sh and AutobahnRawJdk.java; ../shared/autobahn beside the project).
# The JDK is the first `java` on PATH (run.sh calls `java`); for another one put its bin first:
#   PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH bash conformance/autobahn/compare.sh <mirror>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MIRROR=${1:-${MIRROR:-}}
: "${MIRROR:?give the git dir of the autobahn-testsuite mirror as argument or MIRROR}"
RUNS=${RUNS:-3}
AUTOBAHN_DIR=${AUTOBAHN_DIR:-$(cd "$ROOT/../shared/autobahn" 2>/dev/null && pwd || true)}
[ -f "$AUTOBAHN_DIR/run.sh" ] || { echo "no run.sh in AUTOBAHN_DIR='$AUTOBAHN_DIR'" >&2; exit 2; }
AB_OUT=${AB_OUT:-/tmp/framewire-autobahn/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$AB_OUT"

(cd "$ROOT" && mvn -q -DskipTests package)
JAR=$(ls "$ROOT"/target/framewire-*.jar | grep -v -e '-sources[.]jar' -e '-javadoc[.]jar' | head -1)
echo "jar $JAR; $(java -version 2>&1 | head -1); reports in $AB_OUT"

status=0
for i in $(seq "$RUNS"); do
  echo "== framewire run $i"
  MIRROR="$MIRROR" TESTEE="$HERE/FramewireTestee.java" JAR="$JAR" AGENT=framewire OUT="$AB_OUT/framewire-$i" \
    bash "$AUTOBAHN_DIR/run.sh" || { echo "framewire run $i did not finish"; status=1; }
  echo "== rawjdk run $i"
  MIRROR="$MIRROR" TESTEE="$AUTOBAHN_DIR/AutobahnRawJdk.java" AGENT=rawjdk TESTEE_ARGS=default OUT="$AB_OUT/rawjdk-$i" \
    bash "$AUTOBAHN_DIR/run.sh" || { echo "rawjdk run $i did not finish"; status=1; }
done

python3 "$HERE/tally.py" "$AB_OUT"/framewire-* "$AB_OUT"/rawjdk-* | tee "$AB_OUT/summary.md"
exit $status
