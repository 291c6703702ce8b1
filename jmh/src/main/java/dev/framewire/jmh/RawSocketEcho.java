package dev.framewire.jmh;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The floor: a blocking {@link Socket} that does the opening handshake and RFC 6455 framing by
 * hand, on the calling thread, with no hand-off, no queue and no futures. Each send encodes the
 * text, masks it eight bytes at a time into a reused buffer and writes header and payload in one
 * call; each receive reads frames from a buffered stream until FIN and decodes the text once.
 * Nothing a library does can be cheaper than this; it checks little (no UTF-8 validation of its
 * own, no close handshake), so it is a yardstick, not a client.
 */
final class RawSocketEcho implements EchoClient {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private byte[] outBuffer = new byte[16 * 1024];
    private byte[] inBuffer = new byte[16 * 1024];
    private int maskSeed = 0x9E3779B9;

    private RawSocketEcho(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    }

    static RawSocketEcho open(URI uri) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        RawSocketEcho echo = new RawSocketEcho(socket);
        String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        echo.out.write(request.getBytes(StandardCharsets.US_ASCII));
        echo.out.flush();
        String status = echo.readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("Upgrade refused: " + status);
        }
        return echo;
    }

    /** Reads the response head up to the blank line; returns the status line. */
    private String readHeaders() throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Connection closed during the handshake");
            }
            head.append((char) b);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Override
    public void send(String message) throws IOException {
        byte[] payload = message.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 6 : n < 65536 ? 8 : 14;
        if (outBuffer.length < header + n) {
            outBuffer = new byte[header + n];
        }
        byte[] buf = outBuffer;
        buf[0] = (byte) 0x81; // FIN + TEXT
        if (n < 126) {
            buf[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            buf[1] = (byte) (0x80 | 126);
            buf[2] = (byte) (n >>> 8);
            buf[3] = (byte) n;
        } else {
            buf[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                buf[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        int mask = nextMask();
        int at = header - 4;
        buf[at] = (byte) (mask >>> 24);
        buf[at + 1] = (byte) (mask >>> 16);
        buf[at + 2] = (byte) (mask >>> 8);
        buf[at + 3] = (byte) mask;
        long mask8 = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(buf, header + i, (long) LONGS.get(payload, i) ^ mask8);
        }
        for (; i < n; i++) {
            buf[header + i] = (byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        out.write(buf, 0, header + n);
    }

    /** Cheap per-frame mask keys (xorshift); RFC 6455 wants them unpredictable, which costs more. */
    private int nextMask() {
        int x = maskSeed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskSeed = x;
        return x;
    }

    @Override
    public Object receive() throws IOException {
        int total = 0;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("A server frame must not be masked");
            }
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & 0x80) != 0;
            if (opcode >= 0x8) { // control frame: skip (the echo server sends none unasked)
                in.skipNBytes(len);
                if (opcode == 0x8) {
                    throw new EOFException("The server closed the connection");
                }
                continue;
            }
            if (inBuffer.length < total + len) {
                byte[] bigger = new byte[(int) Math.max(inBuffer.length * 2L, total + len)];
                System.arraycopy(inBuffer, 0, bigger, 0, total);
                inBuffer = bigger;
            }
            in.readFully(inBuffer, total, (int) len);
            total += (int) len;
            if (fin) {
                return new String(inBuffer, 0, total, StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
