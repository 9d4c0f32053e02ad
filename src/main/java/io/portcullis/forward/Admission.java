package io.portcullis.forward;

import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;

/**
 * The question the data plane asks before it relays anything for a new client: may this TCP connection or
 * UDP session go on? The gateway's guard answers it; the engine only asks, counts and obeys, so forwarding
 * knows nothing of rules, limits, bans or SPA.
 *
 * <p>Called on an event loop for every new connection and session (never per packet): an answer must be
 * quick and must not block.
 */
@FunctionalInterface
public interface Admission {

    /** Lets everyone in: the engine on its own, and tests that do not guard. */
    Admission OPEN = (forward, protocol, client, port) -> Ticket.ADMITTED;

    /**
     * @param forward the forward's name
     * @param protocol TCP for a connection, UDP for a new session
     * @param client who is asking
     * @param port the local port it arrived on
     */
    Ticket admit(String forward, Protocol protocol, InetSocketAddress client, int port);

    /** The answer: admitted (and released when the connection or session ends), or refused with a reason. */
    interface Ticket {

        /** Admitted, with nothing to release. */
        Ticket ADMITTED = new Ticket() {
            @Override
            public String refusal() {
                return null;
            }

            @Override
            public String detail() {
                return "";
            }

            @Override
            public void release() {}
        };

        /** Null when admitted; otherwise the kind of refusal as counted in status: rule, limit, ban or spa. */
        String refusal();

        /** The refusal in words for the connection log, such as "deny 10.0.0.0/8 (line 12)". */
        String detail();

        /** The admitted connection or session has ended (called once). */
        void release();
    }
}
