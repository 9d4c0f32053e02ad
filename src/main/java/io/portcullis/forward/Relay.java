package io.portcullis.forward;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/** Small helpers shared by the TCP and UDP relays. */
final class Relay {

    private Relay() {}

    /** Closes {@code ch} once everything already written to it has been flushed. */
    static void closeOnFlush(Channel ch) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (ch != null) {
            ch.close();
        }
    }

    /**
     * Sends {@code ch}'s FIN once everything written to it has gone out (call it from a write listener). On the
     * native transports it is shutdown(2) on the descriptor: Netty's {@code shutdownOutput} would build a
     * {@code ChannelOutputShutdownException} with a full stack trace on every call, about a sixth of the user
     * CPU of a short connection in the profile. Netty's socket keeps track, so {@code isOutputShutdown()} stays
     * true to the descriptor. On NIO, Netty's own.
     */
    static void shutdownOutput(DuplexChannel ch) {
        if (ch instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException | RuntimeException e) {
                // Not connected any more (the peer reset it): nothing left to half-close.
                ch.close();
            }
            return;
        }
        ch.shutdownOutput();
    }

    /** A short description of a network error for logs and status, without a stack trace. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        if (t instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (t instanceof ClosedChannelException) {
            return "channel closed";
        }
        String msg = t.getMessage();
        if (t instanceof ConnectException || t instanceof IOException) {
            if (msg == null) {
                return t.getClass().getSimpleName();
            }
            // Netty's native errors read "connect(..) failed: Connection refused: /127.0.0.1:9" or
            // "io_uring connect(..) failed with error(-111): Connection refused"; keep the reason.
            int coded = msg.indexOf("): ", msg.indexOf("failed with error("));
            int colon = msg.indexOf("failed: ");
            String reason = msg.contains("failed with error(") && coded >= 0 ? msg.substring(coded + 3)
                    : colon >= 0 ? msg.substring(colon + 8) : msg;
            int slash = reason.indexOf(": /");
            return slash >= 0 ? reason.substring(0, slash) : reason;
        }
        return msg == null ? t.getClass().getSimpleName() : msg;
    }
}
