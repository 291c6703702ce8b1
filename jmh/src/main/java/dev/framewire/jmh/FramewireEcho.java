package dev.framewire.jmh;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;

import java.net.URI;
import java.time.Duration;

/** framewire with its defaults (the shared {@code HttpClient}, no timeouts), or with a read spin. */
final class FramewireEcho implements EchoClient {

    private final FrameSocket socket;
    private final boolean byFrame;

    private FramewireEcho(FrameSocket socket, boolean byFrame) {
        this.socket = socket;
        this.byFrame = byFrame;
    }

    static FramewireEcho open(URI uri, boolean byFrame) throws Exception {
        return new FramewireEcho(FrameSocket.connect(uri), byFrame);
    }

    /** With {@code Builder.readSpin(spin)}: readers wait actively that long before they park. */
    static FramewireEcho openSpinning(URI uri, Duration spin) throws Exception {
        return new FramewireEcho(FrameSocket.newBuilder().readSpin(spin).connect(uri), false);
    }

    @Override
    public void send(String message) throws Exception {
        socket.sendText(message);
    }

    @Override
    public Object receive() throws Exception {
        if (!byFrame) {
            return socket.readMessage();
        }
        Frame frame;
        do {
            frame = socket.readFrame();
        } while (!frame.isFinal());
        return frame;
    }

    @Override
    public void close() {
        socket.close();
    }
}
