package dev.framewire.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records everything framewire logs, at every level down to TRACE ({@code FINEST}): framewire
 * logs through {@code System.Logger}, which the JDK backs with java.util.logging. Start it before
 * a test and stop it after, which puts the logger's level back.
 */
public final class LogRecorder extends Handler {

    private final Logger julLogger = Logger.getLogger("dev.framewire"); // held: JUL keeps loggers weakly
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private Level previousLevel;

    /** Switches framewire's logger to {@code FINEST} and starts recording. */
    public void start() {
        previousLevel = julLogger.getLevel();
        julLogger.setLevel(Level.FINEST);
        setLevel(Level.ALL);
        julLogger.addHandler(this);
    }

    /** Stops recording and puts the logger's level back. */
    public void stop() {
        julLogger.removeHandler(this);
        julLogger.setLevel(previousLevel);
    }

    /** {@return what was logged so far, in order} */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
