package dev.framewire.internal.receive;

import dev.framewire.internal.Checks;
import dev.framewire.internal.Durations;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How long a reader with nothing to read waits actively before it parks
 * ({@code FrameSocket.Builder.readSpin}).
 *
 * <p>Why: a parked reader costs a wake-up on every hand-off. The JDK's listener runs on its
 * selector thread; when it queues a part for a parked reader, the kernel has to schedule that
 * reader again, which costs tens of microseconds on a loaded machine. A reader that is still
 * awake, polling a volatile counter, sees the part at once. The price is CPU: the reader's core is
 * busy for as long as it spins.
 *
 * <p>The loop calls {@link Thread#yield()}, not {@link Thread#onSpinWait()}: on a machine with
 * few cores the selector thread that must deliver the part may need this very core, and yielding
 * lets it run (on 2 cores, yield measured faster than onSpinWait).
 *
 * <p>Never on a virtual thread: spinning there would hold its carrier, which other virtual
 * threads need, so a virtual thread always parks at once.
 */
public final class ReadSpin {

    /** No spinning: readers park at once. The default. */
    public static final ReadSpin OFF = new ReadSpin(0);

    // Thread.isVirtual() exists from JDK 21; on 17 every thread is a platform thread. A constant
    // handle, looked up once, keeps the library compiled for 17.
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final long nanos;

    private ReadSpin(long nanos) {
        this.nanos = nanos;
    }

    /**
     * {@return a spin of {@code duration}}, or {@link #OFF} for zero
     *
     * @param duration zero or positive, already checked
     */
    public static ReadSpin of(Duration duration) {
        long n = Checks.toNanosSaturated(duration);
        return n == 0 ? OFF : new ReadSpin(n);
    }

    /**
     * Waits actively until {@code arrived} is true, this spin's time or {@code timeoutNanos} ran
     * out, or the thread is interrupted; returns at once when off or on a virtual thread.
     *
     * @param arrived      read without blocking, many times
     * @param timeoutNanos the read's remaining time; negative for no limit
     * @return the nanoseconds spent spinning
     * @throws InterruptedException if the thread was interrupted while spinning
     */
    long await(BooleanSupplier arrived, long timeoutNanos) throws InterruptedException {
        if (nanos == 0 || isVirtual(Thread.currentThread())) {
            return 0;
        }
        long limit = timeoutNanos < 0 ? nanos : Math.min(nanos, timeoutNanos);
        long start = System.nanoTime();
        long spent = 0;
        while (!arrived.getAsBoolean() && spent < limit) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Thread.yield();
            spent = System.nanoTime() - start;
        }
        return spent;
    }

    /** {@return whether {@code thread} is a virtual thread}; always false on JDK 17 */
    static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable impossible) {
            throw new AssertionError(impossible);
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException beforeJdk21) {
            return null;
        }
    }

    @Override
    public String toString() {
        return nanos == 0 ? "off" : Durations.format(Duration.ofNanos(nanos));
    }
}
