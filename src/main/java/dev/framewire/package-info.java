/**
 * A blocking, frame-level WebSocket client on the JDK's own {@code java.net.http.WebSocket}.
 *
 * <p>{@link dev.framewire.FrameSocket} is the connection. Open one with
 * {@link dev.framewire.FrameSocket#connect(java.net.URI)}, or with
 * {@link dev.framewire.FrameSocket#newBuilder()} for headers, subprotocols, timeouts, keepalive
 * or an {@code HttpClient} of your own (TLS, proxies). Then, from plain threads (virtual ones
 * included):
 * <ul>
 *   <li>send whole messages ({@code sendText}, {@code sendBinary}), a message frame by frame
 *       ({@code sendFrame} with its final flag), or a message of any size as a stream
 *       ({@code sendStream}, {@code sendWriter}); Pings, Pongs and Close at any point;</li>
 *   <li>read frame by frame ({@link dev.framewire.FrameSocket#readFrame()}, each a
 *       {@link dev.framewire.Frame} with its {@link dev.framewire.Opcode} and final flag), whole
 *       messages ({@link dev.framewire.FrameSocket#readMessage()}, a
 *       {@link dev.framewire.Message}), or one message as an {@code InputStream}
 *       ({@link dev.framewire.MessageStream}); reads block up to a timeout, and Pongs are
 *       consumed for you;</li>
 *   <li>end with {@code close()} (a closing handshake with a bounded wait) and read the peer's
 *       {@link dev.framewire.CloseStatus}.</li>
 * </ul>
 *
 * <p>Every failure is an {@link java.io.IOException}: a
 * {@link dev.framewire.WebSocketException}, or one of its kinds that say what happened
 * ({@link dev.framewire.HandshakeException} for a refused upgrade,
 * {@link dev.framewire.ReadTimeoutException}, {@link dev.framewire.ConnectionClosedException},
 * {@link dev.framewire.MessageTooLargeException}, {@link dev.framewire.SendTimeoutException}).
 * Messages name the cause and, where there is one, the fix. A bad argument is an
 * {@code IllegalArgumentException} before anything is sent.
 *
 * <p>{@link dev.framewire.Reconnector} connects again after transient failures, with backoff.
 *
 * <p>framewire has no dependencies beyond {@code java.net.http}, and logs through
 * {@link java.lang.System.Logger} under the name {@code dev.framewire}. The guides, one per task
 * (connecting, sending, reading, streaming, closing, errors, threads, limits, logging), are in
 * the project's {@code docs/} directory.
 */
package dev.framewire;
