package io.portcullis.forward;

import io.portcullis.config.Forward;

/**
 * The rules a new connection or session of one forward is handled by. Each connection takes the current
 * rules when it starts and keeps them, which is how a reload changes new connections without touching
 * open ones.
 */
record ForwardRules(Forward forward, TargetPool pool) {

    /** Connection attempts per client before giving up: each target once, at most three. */
    int maxAttempts() {
        return Math.min(3, pool.size());
    }

    int failureThreshold() {
        return forward.healthCheck().map(h -> h.failures()).orElse(3);
    }

    boolean activeChecks() {
        return forward.healthCheck().isPresent();
    }
}
