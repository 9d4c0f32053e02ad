package io.portcullis.guard.spa;

import java.util.Objects;

/**
 * One "proto/port" item of an access request ({@code fwknop -A tcp/22,udp/53} asks for two): what the
 * client wants opened for its address.
 */
public record SpaAccess(String protocol, int port) {

    public SpaAccess {
        Objects.requireNonNull(protocol, "protocol");
        // Portcullis forwards TCP and UDP only; fwknop's icmp and none have no port to open here.
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("SPA access protocol must be tcp or udp, not '" + protocol + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SPA access port must be 1-65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return protocol + "/" + port;
    }
}
