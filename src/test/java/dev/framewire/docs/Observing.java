package dev.framewire.docs;

import dev.framewire.ConnectionStats;
import dev.framewire.FrameSocket;
import dev.framewire.Reconnector;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jdk.jfr.consumer.RecordingStream;

/** The code of docs/observing.md; DocsExamplesTest runs it, DocsSnippetsTest keeps the page in step. */
final class Observing {

    private Observing() {
    }

    static ConnectionStats stats(URI uri) throws IOException {
        // tag::stats[]
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            ws.sendText("hello");
            ws.readMessage();
            ConnectionStats stats = ws.stats();                  // a snapshot: never blocks, takes no lock
            System.out.printf("%d messages in, %d bytes in, %d parts waiting, sends waited %s%n",
                    stats.messagesReceived(), stats.bytesReceived(), stats.queuedParts(), stats.sendWaited());
            return stats;
        }
        // end::stats[]
    }

    // tag::micrometer[]
    /** Exports one connection's stats() to Micrometer: counters for what only grows, gauges for the rest. */
    static final class FrameSocketMetrics implements MeterBinder {
        private final FrameSocket ws;
        private final Tags tags;

        FrameSocketMetrics(FrameSocket ws, String name) {
            this.ws = ws;                                         // held: Micrometer holds it only weakly
            this.tags = Tags.of("connection", name);
        }

        @Override
        public void bindTo(MeterRegistry registry) {
            counter(registry, "framewire.messages.sent", ConnectionStats::messagesSent);
            counter(registry, "framewire.messages.received", ConnectionStats::messagesReceived);
            counter(registry, "framewire.frames.sent", ConnectionStats::framesSent);
            counter(registry, "framewire.frames.received", ConnectionStats::framesReceived);
            counter(registry, "framewire.bytes.sent", ConnectionStats::bytesSent);
            counter(registry, "framewire.bytes.received", ConnectionStats::bytesReceived);
            counter(registry, "framewire.pings.sent", ConnectionStats::pingsSent);
            counter(registry, "framewire.pongs.received", ConnectionStats::pongsReceived);
            counter(registry, "framewire.read.timeouts", ConnectionStats::readTimeouts);
            counter(registry, "framewire.send.waited.seconds", s -> s.sendWaited().toNanos() / 1e9);
            gauge(registry, "framewire.queued.parts", ConnectionStats::queuedParts);
            gauge(registry, "framewire.queued.parts.peak", ConnectionStats::queuedPartsPeak);
            TimeGauge.builder("framewire.round.trip", ws, TimeUnit.NANOSECONDS,
                            w -> w.stats().lastRoundTrip().map(Duration::toNanos).orElse(0L))
                    .tags(tags).description("the last Ping's round trip").register(registry);
        }

        private void counter(MeterRegistry registry, String name, ToDoubleFunction<ConnectionStats> count) {
            FunctionCounter.builder(name, ws, w -> count.applyAsDouble(w.stats())).tags(tags).register(registry);
        }

        private void gauge(MeterRegistry registry, String name, ToDoubleFunction<ConnectionStats> value) {
            Gauge.builder(name, ws, w -> value.applyAsDouble(w.stats())).tags(tags).register(registry);
        }
    }
    // end::micrometer[]

    static void bind(FrameSocket ws, MeterRegistry registry) {
        // tag::bind[]
        new FrameSocketMetrics(ws, "prices").bindTo(registry);
        // end::bind[]
    }

    static RecordingStream watchSendWaits(Duration threshold, List<String> seen) {
        // tag::stream[]
        RecordingStream events = new RecordingStream();        // runs beside your application until closed
        events.enable("dev.framewire.SendWait").withThreshold(threshold).withStackTrace();
        events.onEvent("dev.framewire.SendWait", e -> seen.add(e.getString("connection") + " waited "
                + e.getDuration().toMillis() + " ms for " + e.getString("waitedFor")));
        events.startAsync();
        // end::stream[]
        return events;
    }

    static Handler tap(Consumer<String> lines) {
        // tag::tap[]
        // Where System.Logger "dev.framewire" goes by default. Keep it in a field of yours: java.util.logging
        // holds loggers weakly, and a collected one forgets its level and handlers.
        Logger framewire = Logger.getLogger("dev.framewire");
        framewire.setLevel(Level.INFO);                           // the Reconnector's lines; FINE adds each connection's
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord line) {
                lines.accept(line.getLevel() + " " + line.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        framewire.addHandler(handler);
        // end::tap[]
        return handler;
    }

    static void watchedReconnector(URI uri, List<Reconnector.Attempt> attempts) throws IOException {
        // tag::attempts[]
        Reconnector reconnector = FrameSocket.newBuilder().reconnector(uri)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .maxAttempts(3)
                .onAttempt(attempt -> {
                    attempts.add(attempt);                        // your metrics, or a status line:
                    attempt.retryIn().ifPresent(wait -> System.out.println("reconnecting in " + wait.toMillis() + " ms"));
                });
        // end::attempts[]
        try {
            reconnector.connect().close();
        } catch (IOException expected) {
            // the attempts ran out
        }
    }
}
