package dev.framewire.jmh;

import java.io.IOException;
import java.net.URI;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The echo server of one benchmark fork: started in its own JVM before the trial, stopped after it. */
@State(Scope.Benchmark)
public class EchoServerState {

    private EchoServerProcess server;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = EchoServerProcess.start();
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.close();
    }

    /** {@return the whole-message echo endpoint} */
    public URI messageEcho() {
        return server.uri(EchoServerMain.MESSAGE_PATH);
    }

    /** {@return the frame-by-frame echo endpoint} */
    public URI frameEcho() {
        return server.uri(EchoServerMain.FRAME_PATH);
    }
}
