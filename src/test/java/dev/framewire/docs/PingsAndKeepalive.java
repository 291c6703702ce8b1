package dev.framewire.docs;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The code of docs/pings-and-keepalive.md. */
final class PingsAndKeepalive {

    private PingsAndKeepalive() {
    }

    static Duration roundTrip(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::ping[]
            Duration rtt = ws.ping(Duration.ofSeconds(5));   // blocks until this Ping's own Pong
            System.out.println("round trip: " + rtt.toNanos() / 1_000 + " µs");
            // end::ping[]
            return rtt;
        }
    }

    static Opcode seePongs(URI uri) throws IOException {
        // tag::see-pongs[]
        try (FrameSocket ws = FrameSocket.newBuilder()
                .pongAutoConsume(false)     // readFrame returns PONG frames
                .deliverPings(true)         // and PING frames (the JDK has answered them already)
                .connect(uri)) {
            ws.sendPing("are you there?");
            Frame pong = ws.readFrame(Duration.ofSeconds(5));
            System.out.println(pong.opcode() + ": " + pong.text());  // PONG: are you there?
            return pong.opcode();
        }
        // end::see-pongs[]
    }

    static boolean keepAlive(URI uri) throws IOException {
        // tag::keepalive[]
        try (FrameSocket ws = FrameSocket.newBuilder()
                .keepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10)) // idle 30 s: Ping; 10 s more: give up
                .connect(uri)) {
            ws.sendText("still here");
            ws.readMessage(Duration.ofSeconds(5));
            return ws.isOpen();
        }
        // end::keepalive[]
    }
}
