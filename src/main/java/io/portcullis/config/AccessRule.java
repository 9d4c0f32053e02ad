package io.portcullis.config;

import io.portcullis.net.Cidr;
import java.util.Objects;

/**
 * One line of an access list: allow or deny a network. Lists are read top to bottom and the first rule
 * whose network holds the client decides.
 *
 * @param allow true for {@code allow}, false for {@code deny}
 * @param network the addresses it covers
 * @param line where it was written (1-based; 0 when not from a file), so refusals can name the rule
 */
public record AccessRule(boolean allow, Cidr network, int line) {

    public AccessRule {
        Objects.requireNonNull(network, "network");
    }

    public String action() {
        return allow ? "allow" : "deny";
    }

    @Override
    public String toString() {
        return action() + " " + network;
    }
}
