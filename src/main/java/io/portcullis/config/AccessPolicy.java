package io.portcullis.config;

import java.util.List;

/**
 * Who may reach one forward: its rules, first match wins, and what happens to a client no rule names.
 * The gateway-wide rules ({@link GuardSettings#access()}) are read before these.
 *
 * @param rules in the order written
 * @param defaultAllow what applies when no rule (global or own) matches: true allows (the default), false denies
 */
public record AccessPolicy(List<AccessRule> rules, boolean defaultAllow) {

    /** No rules, everyone allowed: what a forward without an {@code access:} block gets. */
    public static final AccessPolicy OPEN = new AccessPolicy(List.of(), true);

    public AccessPolicy {
        rules = List.copyOf(rules);
    }
}
