package io.portcullis.net;

import java.util.Locale;

/** The transport a port belongs to: a TCP port and a UDP port with the same number are different ports. */
public enum Protocol {
    TCP,
    UDP;

    /** The lower-case name users write and read, as in {@code 8080/tcp}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
