package io.portcullis.forward;

import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;

/**
 * Turns a failed bind into a sentence a person understands ("in use by nginx, pid 812"). The forwarding
 * engine does not know how to look at the host's processes; the composition root gives it someone who does.
 */
@FunctionalInterface
public interface BindFailureExplainer {

    /** The plainest possible explanation: the operating system's own message. */
    BindFailureExplainer PLAIN = (protocol, address, cause) -> Relay.describe(cause);

    String explain(Protocol protocol, InetSocketAddress address, Throwable cause);
}
