package dev.framewire.docs;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.Message;
import dev.framewire.MessageTooLargeException;
import dev.framewire.ReadTimeoutException;
import dev.framewire.WebSocketException;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The code of docs/errors.md. */
final class Errors {

    private Errors() {
    }

    static String handleEverything(URI uri) {
        // tag::handle[]
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(uri)) {
            ws.sendText("ping me back");
            Message reply = ws.readMessage();
            return reply.text();
        } catch (HandshakeException e) {          // the server said no: e.statusCode(), e.headers()
            return "refused: HTTP " + e.statusCode();
        } catch (ReadTimeoutException e) {        // nothing in time; the connection was still usable
            return "no answer within " + e.timeout();
        } catch (MessageTooLargeException e) {    // over maxMessageSize; the connection is closing
            return "too large: " + e.size() + " > " + e.limit();
        } catch (ConnectionClosedException e) {   // it ended: e.closeStatus() says how
            return "closed: " + e.closeStatus();
        } catch (WebSocketException e) {          // could not connect: refused, unreachable, TLS, timeout
            return "no connection: " + e.getMessage();
        } catch (IOException e) {                 // InterruptedIOException and other I/O failures
            return "I/O: " + e;
        }
        // end::handle[]
    }
}
