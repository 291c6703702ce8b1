#!/usr/bin/env bash
# The measurements of docs/benchmarks.md's "readSpin, connect time, idle memory, scale" section, in
# the order they were run. Run on a quiet machine, from the project root, after
#   mvn -q -o install -DskipTests && mvn -q -o -f jmh/pom.xml package
# Results go to $OUT (default target/latency-run). About 40 minutes on 2 cores.
set -euo pipefail
OUT=${OUT:-target/latency-run}
AP=${ASYNC_PROFILER:-}   # path to libasyncProfiler.so (tools.profiler:async-profiler:4.2:jar:linux-x64); empty: no profiles
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$OUT"
jar=${BENCH_JAR:-jmh/target/benchmarks.jar}

# 1. Every EchoLatency client at 16 B and 1 KiB, readSpin at three settings, one 3-fork run.
java -jar $jar 'EchoLatency.(?!framewireReadFrame)' -p size=16,1024 -f 3 -rf json -rff "$OUT/echo.json" | tee "$OUT/echo.log"
python3 jmh/scripts/cpu.py "$OUT/echo.log" > "$OUT/echo-cpu.md"

# 2. 1,023 against 1,024 characters: framewire lends text parts from 1,024 chars.
java -jar $jar 'EchoLatency.(framewireReadMessage|rawJdkDirect|rawSocket)$' -p size=1023,1024 -f 3 -rf json -rff "$OUT/edge.json" | tee "$OUT/edge.log"

# 3. A round trip taken apart.
java -cp $jar dev.framewire.jmh.RoundTripBudgetMain --trips 20000 --sizes 16,1024 --spin-us 200 | tee "$OUT/budget.md"

# 4. Where the CPU goes (async-profiler, cpu event, collapsed stacks), one fork each.
if [ -n "$AP" ]; then
  for b in 'framewireReadMessage' 'rawJdkDirect'; do
    for size in 16 1024; do
      java -jar $jar "EchoLatency.$b\$" -p size=$size -f 1 -wi 3 -i 5 \
        -prof "async:libPath=$AP;event=cpu;output=collapsed;dir=$OUT/prof-$b-$size" | tee "$OUT/prof-$b-$size.log"
    done
  done
fi

# 5. Time to connect with a warm client.
java -jar $jar ConnectTime -f 3 -rf json -rff "$OUT/connect.json" | tee "$OUT/connect.log"

# 6. Heap and threads per idle connection, 1,000 connections per client.
java -cp $jar dev.framewire.jmh.IdleFootprintMain --connections 1000 | tee "$OUT/idle.md"

# 7. 10,000 and 20,000 sockets on JDK 25 with virtual threads, framewire and raw java.net.http.
ulimit -n 65536
for client in framewire jdk; do
  for n in 10000 20000; do
    "$JDK25/bin/java" -Xmx4g -Dframewire.echoServerHeap=3g -cp $jar dev.framewire.jmh.ScaleMain --sockets $n --client $client | tee "$OUT/scale-$client-$n.md"
  done
done
