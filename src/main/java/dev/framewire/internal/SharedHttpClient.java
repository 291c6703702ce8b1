package dev.framewire.internal;

import java.net.http.HttpClient;

/**
 * The {@link HttpClient} framewire uses when the caller brings none: one for the whole JVM, made
 * on first use, like {@code HttpClient.newHttpClient()} but for one setting.
 *
 * <p>Its executor runs tasks on the calling thread. The JDK then calls the WebSocket listener on
 * its selector thread instead of handing every received part to a pool thread first, which saves
 * a thread hop per frame and closes a race in the JDK (a message followed at once by the end of
 * TCP can otherwise make {@code TransportImpl.acknowledgeReception} throw {@code InternalError}).
 * That is safe only because framewire's listener never blocks: it copies, enqueues, returns.
 * Clients passed in through {@code Builder.httpClient} are used exactly as they are.
 */
public final class SharedHttpClient {

    private SharedHttpClient() {
    }

    /** {@return the shared client} */
    public static HttpClient get() {
        return Holder.CLIENT;
    }

    private static final class Holder {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .executor(Runnable::run)
                .build();
    }
}
