package io.portcullis.ports;

import io.portcullis.net.PortClass;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A socket on this host with everything Portcullis knows about it: who holds it, the port's class and its
 * registered service.
 *
 * @param socket the kernel's row
 * @param owners the processes holding it, sorted by pid; empty when none could be seen
 * @param ownership whether the owners are known, hidden from this user, or there are none
 * @param user the name of the user that created the socket (its number when unnamed)
 * @param portClass system, registered or dynamic
 * @param service the IANA service registered for the port and transport, if any
 */
public record PortEntry(HostSocket socket, List<SocketOwner> owners, Ownership ownership, String user,
        PortClass portClass, Optional<Service> service) {

    /** How much is known about who holds a socket. */
    public enum Ownership {
        /** The holding processes were seen. */
        KNOWN,
        /**
         * The socket has an owner this program cannot see: another user's process (without root), or a
         * process in another PID namespace (a container sharing the network).
         */
        HIDDEN,
        /** No process holds the socket (inode 0: TIME-WAIT and other kernel-held states). */
        NONE
    }

    public PortEntry {
        Objects.requireNonNull(socket, "socket");
        owners = List.copyOf(owners);
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(portClass, "portClass");
        Objects.requireNonNull(service, "service");
    }

    /** The service name, or the empty string. */
    public String serviceName() {
        return service.map(Service::name).orElse("");
    }
}
