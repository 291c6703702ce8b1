#!/usr/bin/env bash
# Compiles and runs a named module that `requires dev.framewire.testkit` and `requires dev.framewire`,
# on the module path, against the jars that `mvn verify` and `mvn -f testkit/pom.xml verify` built,
# without JUnit: the testkit needs nothing but the JDK. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/framewire-*.jar | grep -v -e sources -e javadoc | head -1)
kit=$(ls testkit/target/framewire-testkit-*.jar | grep -v -e sources -e javadoc | head -1)
out=target/testkit-consumer
rm -rf "$out" && mkdir -p "$out"
javac --release 17 -Xlint:all -Werror --module-path "$jar:$kit" -d "$out" \
  --module-source-path testkit-consumer/src --module dev.framewire.testkit.consumer
java --module-path "$jar:$kit:$out" --module dev.framewire.testkit.consumer/dev.framewire.testkit.consumer.Main
