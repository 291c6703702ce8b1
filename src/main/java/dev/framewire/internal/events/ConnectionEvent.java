package dev.framewire.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;

/**
 * What every event of one connection carries: its log tag and URI, so that a recording's events
 * and the log's lines of one connection can be matched. Abstract, so it is no event of its own.
 */
@Category("framewire")
abstract class ConnectionEvent extends jdk.jfr.Event {

    @Label("Connection")
    @Description("The connection's log tag (fw- and eight hex digits), as in its log lines and FrameSocket.toString()")
    String connection;

    @Label("URI")
    @Description("The ws:// or wss:// URI, without user-info (credentials never appear)")
    String uri;

    /** Says which connection this event is of, and returns it, for committing. */
    final ConnectionEvent of(String connection, String uri) {
        this.connection = connection;
        this.uri = uri;
        return this;
    }
}
