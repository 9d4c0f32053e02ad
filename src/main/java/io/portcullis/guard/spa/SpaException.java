package io.portcullis.guard.spa;

import java.util.Objects;

/**
 * Why a datagram was not accepted as an SPA packet. Anyone on the network can send such datagrams, so
 * rejection is the normal case: callers count rejections per {@link Reason} and log the message, which
 * says in words what was wrong without revealing keys or plaintext.
 *
 * <p>It carries no stack trace: it is thrown once per bad datagram on an event loop, possibly thousands
 * of times a second under a flood, and the place it was thrown says nothing the reason does not.
 */
public final class SpaException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The stage at which a datagram failed, in the order the decoder checks them. */
    public enum Reason {
        /** Shorter than any packet the fwknop client sends. */
        TOO_SHORT,
        /** Longer than fwknop allows an SPA packet to be. */
        TOO_LONG,
        /** Not base64 text as the client sends it. */
        BAD_ENCODING,
        /** The decoder has no client keys at all. */
        NO_KEY,
        /** No configured client's HMAC matches: not from a client we know, or altered on the way. */
        BAD_HMAC,
        /** The HMAC matched but the payload did not decrypt to an SPA plaintext (wrong encryption key). */
        DECRYPT_FAILED,
        /** Decrypted, but a field is missing, malformed or out of range. */
        BAD_FIELDS,
        /** Decrypted, but the digest inside the plaintext does not match the fields. */
        BAD_DIGEST,
        /** A well-formed request Portcullis does not serve (command messages, GnuPG, ICMP access). */
        UNSUPPORTED
    }

    private final Reason reason;

    public SpaException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "SpaException[" + reason + "]: " + getMessage();
    }
}
