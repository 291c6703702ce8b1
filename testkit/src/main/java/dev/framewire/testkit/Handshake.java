package dev.framewire.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the server answers a client's opening handshake: accept the upgrade (with a subprotocol,
 * extra headers, and frames in the same write as the 101), refuse it with any status, headers and
 * body, answer as a plain HTTP server, never answer, answer with any bytes at all, or leave the
 * answer to the script. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Handshake.accept().subprotocol("chat").header("X-Server", "test")
 * Handshake.accept().greeting(WireFrame.text("welcome"))     // the frame rides in the 101's write
 * Handshake.refuse(503).retryAfter(Duration.ofSeconds(2)).body("busy")
 * Handshake.neverAnswer()
 * }</pre>
 *
 * <p>After a refusal (any answer but a 101) the server half-closes the connection, as an HTTP
 * server that sends {@code Connection: close} does, and the connection's script still runs:
 * {@link Script#holdUntilClientCloses()}, unless the test gave another one.
 */
public final class Handshake {

    /** What kind of answer. */
    enum Kind { ACCEPT, REFUSE, NEVER, RAW, SCRIPTED }

    private record Header(String name, String value) {
    }

    private final Kind kind;
    private final int status;
    private final List<Header> headers;
    private final byte[] body;
    private final String subprotocol;
    private final boolean firstOfferedSubprotocol;
    private final byte[] greeting;

    private Handshake(Kind kind, int status, List<Header> headers, byte[] body, String subprotocol,
                      boolean firstOfferedSubprotocol, byte[] greeting) {
        this.kind = kind;
        this.status = status;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.subprotocol = subprotocol;
        this.firstOfferedSubprotocol = firstOfferedSubprotocol;
        this.greeting = greeting;
    }

    /** {@return a {@code 101 Switching Protocols} with the right {@code Sec-WebSocket-Accept}, and nothing else} */
    public static Handshake accept() {
        return new Handshake(Kind.ACCEPT, 101, List.of(), new byte[0], null, false, new byte[0]);
    }

    /**
     * {@return a refusal with this status}, an empty body and {@code Connection: close}
     *
     * @param status any HTTP status but 101, for example 401, 403, 404, 426 or 503
     * @throws IllegalArgumentException if {@code status} is 101, or not a three-digit number
     */
    public static Handshake refuse(int status) {
        if (status < 100 || status > 999 || status == 101) {
            throw new IllegalArgumentException("a refusal needs a three-digit HTTP status other than 101: " + status);
        }
        return new Handshake(Kind.REFUSE, status, List.of(), new byte[0], null, false, new byte[0]);
    }

    /**
     * {@return the answer of a plain HTTP server that knows nothing of WebSocket}: {@code 200 OK}
     * with a small HTML page
     */
    public static Handshake plainHttp() {
        return refuse(200).header("Content-Type", "text/html; charset=utf-8")
                .body("<!DOCTYPE html><html><body><h1>It works</h1></body></html>");
    }

    /** {@return no answer at all: the server reads the request and then holds the connection, silent} */
    public static Handshake neverAnswer() {
        return new Handshake(Kind.NEVER, 0, List.of(), new byte[0], null, false, new byte[0]);
    }

    /**
     * {@return an answer of exactly these bytes}, for example a 101 with a wrong
     * {@code Sec-WebSocket-Accept}; the script then runs as after an accepted upgrade
     *
     * @param response the whole response, status line, headers and all
     */
    public static Handshake raw(byte[] response) {
        return new Handshake(Kind.RAW, 0, List.of(), Objects.requireNonNull(response, "response").clone(),
                null, false, new byte[0]);
    }

    /**
     * {@return no answer from the server: the script answers}, with
     * {@link ServerConnection#answer(Handshake)}, after looking at the request or taking its time
     */
    public static Handshake byScript() {
        return new Handshake(Kind.SCRIPTED, 0, List.of(), new byte[0], null, false, new byte[0]);
    }

    /**
     * {@return this answer with an extra header line} Headers are written in the order given, after
     * the ones the server writes itself; a name may be given more than once.
     *
     * @throws IllegalStateException if this answer is not a status line and headers (never, raw, by script)
     * @param name the header name
     * @param value the header value
     */
    public Handshake header(String name, String value) {
        requireResponse("header");
        if (Objects.requireNonNull(name, "name").isBlank() || name.contains(":") || name.contains("\n")) {
            throw new IllegalArgumentException("not a header name: \"" + name + '"');
        }
        List<Header> more = new ArrayList<>(headers);
        more.add(new Header(name, Objects.requireNonNull(value, "value")));
        return new Handshake(kind, status, more, body, subprotocol, firstOfferedSubprotocol, greeting);
    }

    /**
     * {@return this refusal with a {@code Retry-After} header of {@code delay} in whole seconds, rounded up}
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException if this is not a refusal
     * @param delay how long to wait
     */
    public Handshake retryAfter(Duration delay) {
        requireKind(Kind.REFUSE, "retryAfter");
        if (Objects.requireNonNull(delay, "delay").isNegative()) {
            throw new IllegalArgumentException("Retry-After cannot be negative: " + delay);
        }
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        return header("Retry-After", Long.toString(seconds));
    }

    /**
     * {@return this refusal with a body in UTF-8}, sent with its {@code Content-Length}
     *
     * @throws IllegalStateException if this is not a refusal
     * @param body the body
     */
    public Handshake body(String body) {
        requireKind(Kind.REFUSE, "body");
        return new Handshake(kind, status, headers, WireFrame.utf8(body), subprotocol, firstOfferedSubprotocol, greeting);
    }

    /**
     * {@return this acceptance selecting {@code subprotocol}}, whether the client offered it or not
     *
     * @throws IllegalStateException if this is not an acceptance
     * @param subprotocol the subprotocol's name
     */
    public Handshake subprotocol(String subprotocol) {
        requireKind(Kind.ACCEPT, "subprotocol");
        return new Handshake(kind, status, headers, body, Objects.requireNonNull(subprotocol, "subprotocol"), false,
                greeting);
    }

    /**
     * {@return this acceptance selecting the first subprotocol the client offers}, and none if it
     * offers none
     *
     * @throws IllegalStateException if this is not an acceptance
     */
    public Handshake firstOfferedSubprotocol() {
        requireKind(Kind.ACCEPT, "firstOfferedSubprotocol");
        return new Handshake(kind, status, headers, body, null, true, greeting);
    }

    /**
     * {@return this acceptance with these frames right behind the 101, in the same write}: a server
     * that speaks first. Such frames usually reach the client in the same socket read as the
     * response, where {@code java.net.http} can lose 16 KiB reads of them (see
     * {@link Faults#greetingBurst()}).
     *
     * @throws IllegalStateException if this is not an acceptance
     * @param frames the frames, in order
     */
    public Handshake greeting(WireFrame... frames) {
        return greeting(WireFrame.encode(List.of(frames)));
    }

    /**
     * {@return this acceptance with these bytes right behind the 101, in the same write}
     *
     * @throws IllegalStateException if this is not an acceptance
     * @param bytes the bytes, copied
     */
    public Handshake greeting(byte[] bytes) {
        requireKind(Kind.ACCEPT, "greeting");
        return new Handshake(kind, status, headers, body, subprotocol, firstOfferedSubprotocol,
                Objects.requireNonNull(bytes, "bytes").clone());
    }

    Kind kind() {
        return kind;
    }

    /** {@return the answer's bytes for a request with this key and these offered subprotocols} */
    byte[] response(String acceptKey, String firstOffered) {
        if (kind == Kind.RAW) {
            return body.clone();
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (kind == Kind.ACCEPT) {
            head.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ").append(acceptKey).append("\r\n");
            String selected = firstOfferedSubprotocol ? firstOffered : subprotocol;
            if (selected != null) {
                head.append("Sec-WebSocket-Protocol: ").append(selected).append("\r\n");
            }
        } else {
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n");
        }
        for (Header header : headers) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        response.writeBytes(body);
        response.writeBytes(greeting);
        return response.toByteArray();
    }

    private void requireResponse(String method) {
        if (kind != Kind.ACCEPT && kind != Kind.REFUSE) {
            throw new IllegalStateException(method + "() goes with accept() or refuse(status), not with " + this);
        }
    }

    private void requireKind(Kind wanted, String method) {
        if (kind != wanted) {
            throw new IllegalStateException(method + "() goes with " + (wanted == Kind.ACCEPT ? "accept()" : "refuse(status)")
                    + ", not with " + this);
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPT -> "accept()" + (subprotocol != null ? ".subprotocol(" + subprotocol + ")" : "")
                    + (firstOfferedSubprotocol ? ".firstOfferedSubprotocol()" : "")
                    + (greeting.length > 0 ? ".greeting(" + greeting.length + " bytes)" : "");
            case REFUSE -> "refuse(" + status + ")";
            case NEVER -> "neverAnswer()";
            case RAW -> "raw(" + body.length + " bytes)";
            case SCRIPTED -> "byScript()";
        };
    }
}
