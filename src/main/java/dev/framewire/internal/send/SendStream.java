package dev.framewire.internal.send;

/**
 * An open send stream, as the sender knows it: the owner of the message it is writing. While one
 * is open, only frames it sends may be data frames ({@link OutboundSender#openStream}). Its
 * {@code toString()} names it in messages ("sendStream()", "sendWriter()").
 */
interface SendStream {

    /** {@return what its frames are}: text or binary frames, as a send that waits to open it names them */
    SentFrame frames();
}
