package io.portcullis.ports;

/**
 * The state column of the kernel's socket tables ({@code st} in /proc/net/tcp), named as {@code ss} names
 * them. UDP uses two of them: {@link #UNCONN} for a bound socket and {@link #ESTAB} for a connected one.
 */
public enum SocketState {
    ESTAB(0x01, "ESTAB"),
    SYN_SENT(0x02, "SYN-SENT"),
    SYN_RECV(0x03, "SYN-RECV"),
    FIN_WAIT1(0x04, "FIN-WAIT-1"),
    FIN_WAIT2(0x05, "FIN-WAIT-2"),
    TIME_WAIT(0x06, "TIME-WAIT"),
    /** TCP_CLOSE; for UDP the state of a socket that is bound but not connected. */
    UNCONN(0x07, "UNCONN"),
    CLOSE_WAIT(0x08, "CLOSE-WAIT"),
    LAST_ACK(0x09, "LAST-ACK"),
    LISTEN(0x0A, "LISTEN"),
    CLOSING(0x0B, "CLOSING"),
    NEW_SYN_RECV(0x0C, "NEW-SYN-RECV"),
    /** A code this program does not know (a newer kernel). */
    UNKNOWN(-1, "UNKNOWN");

    private static final SocketState[] BY_CODE = new SocketState[16];

    static {
        for (SocketState s : values()) {
            if (s.code >= 0) {
                BY_CODE[s.code] = s;
            }
        }
    }

    private final int code;
    private final String label;

    SocketState(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The state for the kernel's numeric code; {@link #UNKNOWN} for codes it does not know. */
    public static SocketState ofCode(int code) {
        SocketState s = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return s == null ? UNKNOWN : s;
    }

    /** The kernel's numeric code, -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The name {@code ss} prints, such as {@code LISTEN} or {@code TIME-WAIT}. */
    public String label() {
        return label;
    }
}
