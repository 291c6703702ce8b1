package dev.framewire.internal;

import dev.framewire.Opcode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * framewire's log, through {@link System.Logger} (so no logging dependency) under the name
 * {@code dev.framewire}: DEBUG tells of the connect, the handshake's result and the closing
 * handshake; TRACE tells of every frame's direction, opcode, FIN and length. Payloads are logged
 * only when the system property {@value #PAYLOADS_PROPERTY} is {@code true}, since they may hold
 * secrets, and then at most {@value #PAYLOAD_LIMIT} characters of each.
 *
 * <p>With {@code java.util.logging} (the JDK's default backend) DEBUG is {@code FINE} and TRACE
 * is {@code FINER}. Each line starts with a tag of the connection ({@code fw-} and eight random hex digits, also in
 * {@code FrameSocket.toString()}) and its URI, so the lines of one
 * connection can be told apart. Checking the level costs one volatile read per frame when off.
 */
public final class ConnectionLog {

    /** The system property that adds payloads to TRACE lines. */
    public static final String PAYLOADS_PROPERTY = "dev.framewire.logPayloads";
    private static final int PAYLOAD_LIMIT = 200;
    private static final Logger LOGGER = System.getLogger("dev.framewire");

    private final String tag;
    private final String label;
    private final boolean payloads = Boolean.getBoolean(PAYLOADS_PROPERTY);

    /** Creates the tap of one connection to {@code uri}. */
    public ConnectionLog(URI uri) {
        // A random tag tells connections apart without a JVM-wide counter, and differs between
        // runs (an identity hash often repeats: the first connection of two runs had the same).
        this.tag = String.format("fw-%08x", ThreadLocalRandom.current().nextInt());
        this.label = "[" + tag + " " + uri + "] ";
    }

    /** {@return the connection's tag, which starts every log line of it: {@code fw-} and eight hex digits} */
    public String tag() {
        return tag;
    }

    /** {@return whether frames are logged} */
    public boolean tracing() {
        return LOGGER.isLoggable(Level.TRACE);
    }

    /** Logs a DEBUG line about the connection. */
    public void debug(String message) {
        if (LOGGER.isLoggable(Level.DEBUG)) {
            LOGGER.log(Level.DEBUG, label + message);
        }
    }

    /**
     * Logs a DEBUG line about a failure, and the failure's stack trace in a TRACE line of its own:
     * one line per event at DEBUG, however deep the failure's causes go.
     */
    public void debug(String message, Throwable failure) {
        debug(message);
        if (failure != null && tracing()) {
            LOGGER.log(Level.TRACE, label + message, failure);
        }
    }

    /** Logs a received text part (TRACE). */
    public void receivedText(Opcode opcode, boolean fin, CharSequence text) {
        if (tracing()) {
            frame("<<", opcode, fin, text.length() + " chars", payloads ? excerpt(text) : null);
        }
    }

    /** Logs a sent text frame (TRACE). */
    public void sentText(Opcode opcode, boolean fin, CharSequence text) {
        if (tracing()) {
            frame(">>", opcode, fin, text.length() + " chars", payloads ? excerpt(text) : null);
        }
    }

    /** Logs a received binary part or control frame (TRACE); {@code data} is not consumed. */
    public void received(Opcode opcode, boolean fin, ByteBuffer data) {
        if (tracing()) {
            frame("<<", opcode, fin, data.remaining() + " bytes", payloads ? excerpt(data) : null);
        }
    }

    /** Logs a sent binary or control frame (TRACE); {@code data} is not consumed. */
    public void sent(Opcode opcode, boolean fin, ByteBuffer data) {
        if (tracing()) {
            frame(">>", opcode, fin, data.remaining() + " bytes", payloads ? excerpt(data) : null);
        }
    }

    /** Logs one frame; {@code excerpt} is the payload to show, or {@code null} when payloads are off. */
    private void frame(String direction, Opcode opcode, boolean fin, String length, String excerpt) {
        StringBuilder line = new StringBuilder(label).append(direction).append(' ').append(opcode)
                .append(fin ? " fin " : " more ").append(length);
        if (excerpt != null) {
            line.append(": ").append(excerpt);
        }
        LOGGER.log(Level.TRACE, line.toString());
    }

    /** Bytes in hex, cut to {@value #PAYLOAD_LIMIT} characters. */
    private static String excerpt(ByteBuffer bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = bytes.position(); i < bytes.limit() && hex.length() < PAYLOAD_LIMIT; i++) {
            hex.append(String.format("%02x", bytes.get(i)));
        }
        return bytes.remaining() * 2 <= PAYLOAD_LIMIT ? hex.toString() : hex + "…";
    }

    /** Text as text, cut to {@value #PAYLOAD_LIMIT} characters. */
    private static String excerpt(CharSequence payload) {
        String text = payload.toString();
        return text.length() <= PAYLOAD_LIMIT ? text : text.substring(0, PAYLOAD_LIMIT) + "…";
    }
}
