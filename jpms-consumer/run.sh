#!/usr/bin/env bash
# Compiles and runs a named module that `requires dev.framewire`, on the module path, against
# the jar that `mvn verify` built. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/framewire-*.jar | grep -v -e sources -e javadoc | head -1)
out=target/jpms-consumer
rm -rf "$out" && mkdir -p "$out"
javac --release 17 -Xlint:all -Werror --module-path "$jar" -d "$out" \
  --module-source-path jpms-consumer/src --module dev.framewire.consumer
java --module-path "$jar:$out" --module dev.framewire.consumer/dev.framewire.consumer.Main
