package io.portcullis.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The guard of one forward: who may connect ({@code access}), how much each client may do ({@code limits}),
 * and whether the port stays shut until a single authorized packet opens it ({@code spa}).
 */
public record ForwardGuard(AccessPolicy access, SourceLimits limits, Optional<SpaGuard> spa) {

    /** Nothing guarded beyond the gateway-wide rules and bans. */
    public static final ForwardGuard NONE = new ForwardGuard(AccessPolicy.OPEN, SourceLimits.NONE, Optional.empty());

    public ForwardGuard {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(spa, "spa");
    }
}
