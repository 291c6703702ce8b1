package dev.framewire.jmh;

import java.lang.management.ManagementFactory;

/** The CPU time this JVM has used, all threads together. */
final class CpuTime {

    private CpuTime() {
    }

    /** {@return nanoseconds of CPU used by this process so far}, or -1 where the JVM cannot say */
    static long ofProcess() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
