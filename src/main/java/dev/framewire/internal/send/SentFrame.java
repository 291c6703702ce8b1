package dev.framewire.internal.send;

/** What a send sends, as its messages name it; a Close is told apart by type, not by its name. */
enum SentFrame {
    TEXT_FRAME("text frame"),
    BINARY_FRAME("binary frame"),
    PING("Ping"),
    PONG("Pong"),
    CLOSE("Close");

    private final String name;

    SentFrame(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
