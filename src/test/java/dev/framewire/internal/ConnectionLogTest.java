package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.Opcode;
import dev.framewire.testing.LogRecorder;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With payload logging on, each TRACE line shows at most 200 characters of the payload (hex for
 * bytes), and says when it cut: a log must not grow with the messages, nor hide that it is partial.
 */
class ConnectionLogTest {

    private final LogRecorder log = new LogRecorder();
    private ConnectionLog tap;

    @BeforeEach
    void listen() {
        System.setProperty(ConnectionLog.PAYLOADS_PROPERTY, "true");
        tap = new ConnectionLog(URI.create("ws://h/"));
        log.start();
    }

    @AfterEach
    void stopListening() {
        log.stop();
        System.clearProperty(ConnectionLog.PAYLOADS_PROPERTY);
    }

    private String lastLine() {
        List<LogRecord> records = log.records();
        String line = records.get(records.size() - 1).getMessage();
        return line.substring(line.indexOf("] ") + 2);
    }

    @Test
    void bytesAreShownInHexUpTo200Characters() {
        tap.received(Opcode.BINARY, true, ByteBuffer.wrap(new byte[100]));
        assertEquals("<< BINARY fin 100 bytes: " + "00".repeat(100), lastLine());
        tap.sent(Opcode.BINARY, false, ByteBuffer.wrap(new byte[101]));
        assertEquals(">> BINARY more 101 bytes: " + "00".repeat(100) + "…", lastLine());
        ByteBuffer offset = ByteBuffer.wrap(new byte[] {1, (byte) 0xAB, 2}).position(1).limit(2);
        tap.received(Opcode.PING, true, offset);
        assertEquals("<< PING fin 1 bytes: ab", lastLine());
        assertEquals(1, offset.position(), "the payload is not consumed");
    }

    @Test
    void textIsShownUpTo200Characters() {
        tap.sentText(Opcode.TEXT, true, "t".repeat(200));
        assertEquals(">> TEXT fin 200 chars: " + "t".repeat(200), lastLine());
        tap.receivedText(Opcode.CONTINUATION, false, "t".repeat(201));
        assertEquals("<< CONTINUATION more 201 chars: " + "t".repeat(200) + "…", lastLine());
    }
}
