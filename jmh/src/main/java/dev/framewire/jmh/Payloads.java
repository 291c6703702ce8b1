package dev.framewire.jmh;

/** Test messages. */
final class Payloads {

    private Payloads() {
    }

    /** {@return a text of {@code size} printable ASCII characters, so {@code size} UTF-8 bytes} */
    static String text(int size) {
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            text.append((char) ('a' + i % 26));
        }
        return text.toString();
    }
}
