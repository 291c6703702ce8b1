#!/usr/bin/env python3
"""Splits an async-profiler CPU profile (collapsed stacks) into the parts of a round trip.

    java -jar jmh/target/benchmarks.jar 'EchoLatency.framewireReadMessage' -p size=16 \\
         -prof "async:libPath=/path/libasyncProfiler.so;event=cpu;output=collapsed;dir=prof"
    python3 jmh/scripts/cpu_split.py prof/*/collapsed-cpu.csv [--cpu-us 23.4]

Each sample is given to one part: JIT and GC threads by their thread; kernel time by the system
call it is in (read, write, futex = park/unpark, epoll = the selector's wait); Java time by the
innermost frame of a known package. With --cpu-us (CPU per operation from jmh/scripts/cpu.py) the
shares are also shown as microseconds per operation.
"""
import sys
from collections import Counter

JAVA_PARTS = [
    # The benchmark's own package first: it is inside dev/framewire/ too.
    ("dev/framewire/jmh/", "benchmark client code"),
    ("dev/framewire/internal/", "framewire (queue, reader, sender)"),
    ("dev/framewire/", "framewire (facade)"),
    ("jdk/internal/net/http/websocket/", "JDK WebSocket (framing, masking, message coding)"),
    ("sun/nio/cs/", "UTF-8 encode/decode"),
    ("java/nio/charset/", "UTF-8 encode/decode"),
    ("java/util/concurrent/locks/", "locks and park/unpark (Java side)"),
    ("java/util/concurrent/ArrayBlockingQueue", "locks and park/unpark (Java side)"),
    ("java/util/concurrent/LinkedBlockingQueue", "locks and park/unpark (Java side)"),
    ("java/util/concurrent/CompletableFuture", "CompletableFuture plumbing"),
    ("jdk/internal/net/http/", "JDK HTTP transport (SocketTube, selector loop)"),
    ("sun/nio/ch/", "NIO socket layer (Java side)"),
    ("org/openjdk/jmh/", "benchmark harness"),
]
SYSCALLS = [
    ("futex", "kernel: futex (park/unpark, wake-ups)"),
    ("epoll", "kernel: epoll (selector wait)"),
    ("sendmsg", "kernel: write to the socket"),
    ("sys_write", "kernel: write to the socket"),
    ("writev", "kernel: write to the socket"),
    ("sys_read", "kernel: read from the socket"),
    ("recvfrom", "kernel: read from the socket"),
    ("sched_yield", "kernel: sched_yield (spinning reader)"),
    ("clock_gettime", "kernel: clock"),
]


def part_of(frames):
    root = ";".join(frames[:8])
    if "CompileBroker" in root or "C2Compiler" in root or "C1" in root:
        return "JIT compiler"
    if any(g in root for g in ("GCTaskThread", "G1", "ConcurrentGCThread", "WorkerThread::run")):
        return "GC"
    kernel = [f for f in frames if f.endswith("_[k]")]
    if kernel:
        names = ";".join(kernel)
        for key, part in SYSCALLS:
            if key in names:
                return part
        return "kernel: other (scheduling, interrupts, networking)"
    for frame in reversed(frames):
        for prefix, part in JAVA_PARTS:
            if frame.startswith(prefix):
                return part
    return "other JVM and native"


def main(args):
    cpu_us = None
    if "--cpu-us" in args:
        i = args.index("--cpu-us")
        cpu_us = float(args[i + 1])
        args = args[:i] + args[i + 2:]
    counts = Counter()
    for path in args:
        with open(path, encoding="utf-8") as f:
            for line in f:
                stack, _, n = line.rstrip("\n").rpartition(" ")
                counts[part_of(stack.split(";"))] += int(n)
    total = sum(counts.values())
    print("| part | share of CPU |" + (" µs per op |" if cpu_us else ""))
    print("|---|---:|" + ("---:|" if cpu_us else ""))
    for part, n in counts.most_common():
        share = n / total
        print(f"| {part} | {share * 100:.1f} % |" + (f" {share * cpu_us:.1f} |" if cpu_us else ""))
    print(f"\n{total} samples")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
