package io.portcullis.config;

import java.util.List;
import java.util.Objects;

/**
 * The gateway-wide guard: the {@code guard:} block. Its access rules are read before every forward's own,
 * its bans apply to every forward, and its SPA listener opens the forwards marked {@code spa}.
 *
 * @param access rules read before each forward's own, first match wins
 * @param bans when offenders are banned
 * @param spa the single-packet-authorization listener and its clients
 */
public record GuardSettings(List<AccessRule> access, BanPolicy bans, SpaSettings spa) {

    public static final GuardSettings DEFAULT = new GuardSettings(List.of(), BanPolicy.DEFAULT, SpaSettings.DEFAULT);

    public GuardSettings {
        access = List.copyOf(access);
        Objects.requireNonNull(bans, "bans");
        Objects.requireNonNull(spa, "spa");
    }
}
