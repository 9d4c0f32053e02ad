package io.portcullis.config;

import java.util.Locale;

/** How a forward with several targets picks one for each new connection or UDP session. */
public enum Balance {
    /** Each target in turn. */
    ROUND_ROBIN,
    /** The target with the fewest open connections; ties go in turn. */
    LEAST_CONNECTIONS,
    /** The same client address goes to the same target while the set of healthy targets stays the same. */
    SOURCE_HASH;

    /** The name written in the config file: {@code round-robin}, {@code least-connections}, {@code source-hash}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
