package io.portcullis.ports;

import java.util.Objects;

/**
 * A service name registered with IANA for a port and transport, such as {@code postgresql} for 5432/tcp.
 *
 * @param name the registered service name
 * @param description IANA's one-line description (may be empty)
 */
public record Service(String name, String description) {

    public Service {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }
}
