package io.portcullis.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A whole, checked configuration: what the gateway runs. Immutable; a reload builds a new one and the
 * gateway applies the difference.
 *
 * @param forwards the forwards, in file order, names unique
 * @param settings gateway-wide settings
 * @param source the file it was read from, if any
 * @param guard gateway-wide access rules, bans and single-packet authorization
 * @param admin the admin API and dashboard listener
 */
public record GatewayConfig(List<Forward> forwards, Settings settings, Optional<Path> source, GuardSettings guard,
                            AdminSettings admin) {

    /** A config with the default guard: no gateway-wide rules, default bans, no SPA clients; and no admin listener. */
    public GatewayConfig(List<Forward> forwards, Settings settings, Optional<Path> source) {
        this(forwards, settings, source, GuardSettings.DEFAULT);
    }

    /** A config built in code: no admin listener unless {@link #withAdmin} gives one. */
    public GatewayConfig(List<Forward> forwards, Settings settings, Optional<Path> source, GuardSettings guard) {
        this(forwards, settings, source, guard, AdminSettings.DISABLED);
    }

    public GatewayConfig withAdmin(AdminSettings a) {
        return new GatewayConfig(forwards, settings, source, guard, a);
    }

    public GatewayConfig withForwards(List<Forward> f) {
        return new GatewayConfig(f, settings, source, guard, admin);
    }

    public GatewayConfig {
        forwards = List.copyOf(forwards);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(admin, "admin");
        Set<String> names = new HashSet<>();
        for (Forward f : forwards) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("forward name '" + f.name() + "' is used twice (expected: unique names)");
            }
            Set<String> known = new HashSet<>();
            guard.spa().clients().forEach(c -> known.add(c.name()));
            f.guard().spa().ifPresent(spa -> {
                if (guard.spa().clients().isEmpty()) {
                    throw new IllegalArgumentException("forward '" + f.name() + "' is guarded by SPA but no SPA client is configured (expected: guard.spa.clients)");
                }
                for (String c : spa.clients()) {
                    if (!known.contains(c)) {
                        throw new IllegalArgumentException("forward '" + f.name() + "' names SPA client '" + c + "', which guard.spa.clients does not have");
                    }
                }
            });
        }
    }

    public Optional<Forward> forward(String name) {
        return forwards.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
