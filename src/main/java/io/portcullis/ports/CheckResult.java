package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "can this port be bound now?", with the reason in words.
 *
 * @param protocol the transport asked about
 * @param address the address and port asked about
 * @param outcome free, or why not
 * @param summary one or more sentences a person understands
 * @param holders the sockets in the way, for {@link Outcome#TAKEN} (may be empty when the holder is unknown)
 * @param notes further facts worth knowing (privilege for other users, the ephemeral range), possibly none
 * @param service the IANA service registered for the port, if any
 */
public record CheckResult(Protocol protocol, InetSocketAddress address, Outcome outcome, String summary,
        List<PortEntry> holders, List<String> notes, Optional<Service> service) {

    /** What a bind would meet. */
    public enum Outcome {
        /** It can be bound. */
        FREE(0),
        /** Another socket holds it. */
        TAKEN(1),
        /** It is a system port and this user lacks CAP_NET_BIND_SERVICE. */
        PRIVILEGED(1),
        /** It can be bound, but the host set it aside in {@code ip_local_reserved_ports}. */
        RESERVED(1),
        /** The address is not one of this host's. */
        ADDRESS_NOT_AVAILABLE(2),
        /** Something else went wrong; the summary says what. */
        ERROR(2);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The exit status of {@code portcullis check}: 0 free, 1 taken (in any way), 2 error. */
        public int exitCode() {
            return exitCode;
        }
    }

    public CheckResult {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(summary, "summary");
        holders = List.copyOf(holders);
        notes = List.copyOf(notes);
        Objects.requireNonNull(service, "service");
    }

    /** The exit status for this outcome. */
    public int exitCode() {
        return outcome.exitCode();
    }
}
