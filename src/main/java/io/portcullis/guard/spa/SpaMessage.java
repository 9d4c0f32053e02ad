package io.portcullis.guard.spa;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a verified SPA packet asks for: which client (by key) wants which ports opened for which
 * address, and for how long if it said. Only {@link SpaDecoder} makes these from the network, after the
 * HMAC, the decryption and the inner digest all checked out; whether to grant the request (age of the
 * timestamp, replays, which ports this client may open) is the caller's decision.
 *
 * @param keyName the {@link SpaKey#name()} whose keys verified and decrypted the packet
 * @param user the user name the client put in (its login name, or {@code fwknop -U}); informational,
 *     the client chooses it freely
 * @param timestamp when the client built the packet, by the client's clock (whole seconds)
 * @param version the fwknop protocol version the client speaks, e.g. "3.0.0"
 * @param messageType fwknop's message type: 1 access, 2 NAT access, 3 access with client timeout,
 *     4 NAT access with client timeout, 5 local NAT access, 6 local NAT access with client timeout
 *     (0, a command message, is never accepted)
 * @param allowAddress the IPv4 address to open the ports for, as dotted text; "0.0.0.0" when the client
 *     asked for its packet's source address ({@code fwknop -s}), see {@link #wantsSourceAddress()}
 * @param access the ports asked for, in the client's order, at least one
 * @param clientTimeoutSeconds how long the client asked the ports to stay open ({@code fwknop -f}); present
 *     exactly for message types 3, 4 and 6
 * @param natAccess the NAT target "host,port" for message types 2, 4, 5 and 6, null otherwise
 * @param replayDigest SHA-256 over the datagram exactly as received: the same datagram sent again has the
 *     same digest, while any other packet (every packet carries fresh random salt and digits) has another;
 *     what a replay cache keys on
 */
public record SpaMessage(String keyName, String user, Instant timestamp, String version, int messageType,
        String allowAddress, List<SpaAccess> access, OptionalInt clientTimeoutSeconds, String natAccess,
        byte[] replayDigest) {

    /** The address fwknop puts in for "whatever address this packet comes from" ({@code -s}). */
    public static final String ANY_ADDRESS = "0.0.0.0";

    public SpaMessage {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(allowAddress, "allowAddress");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(clientTimeoutSeconds, "clientTimeoutSeconds");
        Objects.requireNonNull(replayDigest, "replayDigest");
        if (user.isEmpty() || version.isEmpty()) {
            throw new IllegalArgumentException("SPA message needs a user and a version");
        }
        if (messageType < 1 || messageType > 6) {
            throw new IllegalArgumentException("SPA message type must be 1-6 (access or NAT access), not " + messageType);
        }
        if (!SpaPlaintext.isIpv4(allowAddress)) {
            throw new IllegalArgumentException("SPA allow address '" + allowAddress + "' is not a dotted IPv4 address");
        }
        if (access.isEmpty()) {
            throw new IllegalArgumentException("SPA message asks for no port");
        }
        access = List.copyOf(access);
        // The type decides which optional fields exist; a record that disagrees with its type would let
        // a caller act on a field the client never sent.
        if (clientTimeoutSeconds.isPresent() != hasClientTimeout(messageType)) {
            throw new IllegalArgumentException("SPA message type " + messageType
                    + (hasClientTimeout(messageType) ? " needs" : " has no") + " client timeout");
        }
        if ((natAccess != null) != hasNatAccess(messageType)) {
            throw new IllegalArgumentException("SPA message type " + messageType
                    + (hasNatAccess(messageType) ? " needs" : " has no") + " NAT access");
        }
        if (replayDigest.length != 32) {
            throw new IllegalArgumentException("SPA replay digest must be 32 bytes (SHA-256), not " + replayDigest.length);
        }
        replayDigest = replayDigest.clone();
    }

    static boolean hasClientTimeout(int messageType) {
        return messageType == 3 || messageType == 4 || messageType == 6;
    }

    static boolean hasNatAccess(int messageType) {
        return messageType == 2 || messageType == 4 || messageType == 5 || messageType == 6;
    }

    /** True when the client asked for its packet's source address ({@code fwknop -s}) instead of naming one. */
    public boolean wantsSourceAddress() {
        return ANY_ADDRESS.equals(allowAddress);
    }

    @Override
    public byte[] replayDigest() {
        return replayDigest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpaMessage m && keyName.equals(m.keyName) && user.equals(m.user)
                && timestamp.equals(m.timestamp) && version.equals(m.version) && messageType == m.messageType
                && allowAddress.equals(m.allowAddress) && access.equals(m.access)
                && clientTimeoutSeconds.equals(m.clientTimeoutSeconds) && Objects.equals(natAccess, m.natAccess)
                && Arrays.equals(replayDigest, m.replayDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyName, user, timestamp, version, messageType, allowAddress, access,
                clientTimeoutSeconds, natAccess, Arrays.hashCode(replayDigest));
    }

    @Override
    public String toString() {
        return "SpaMessage[key=" + keyName + ", user=" + user + ", timestamp=" + timestamp + ", version=" + version
                + ", type=" + messageType + ", allow=" + allowAddress + ", access=" + access
                + (clientTimeoutSeconds.isPresent() ? ", timeout=" + clientTimeoutSeconds.getAsInt() + "s" : "")
                + (natAccess != null ? ", nat=" + natAccess : "") + ", replayDigest="
                + java.util.HexFormat.of().formatHex(replayDigest, 0, 8) + "...]";
    }
}
