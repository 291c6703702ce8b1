package dev.framewire.internal.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code dev.framewire.MessageTooLarge}: readMessage refused a message over maxMessageSize. */
@Name("dev.framewire.MessageTooLarge")
@Label("WebSocket Message Too Large")
@Description("readMessage refused a message larger than maxMessageSize: the connection closes with 1008")
@StackTrace(true)
final class MessageTooLargeEvent extends ConnectionEvent {

    @Label("Limit")
    @Description("maxMessageSize")
    @DataAmount
    long limit;

    @Label("Size")
    @Description("How large the message had grown when it was refused: at least this")
    @DataAmount
    long size;
}
