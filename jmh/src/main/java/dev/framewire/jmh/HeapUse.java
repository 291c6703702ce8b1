package dev.framewire.jmh;

/** The heap a JVM holds on to: what is left in use after full collections. */
final class HeapUse {

    private HeapUse() {
    }

    /** {@return bytes of heap in use after four {@code System.gc()} calls}, the least seen */
    static long afterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
