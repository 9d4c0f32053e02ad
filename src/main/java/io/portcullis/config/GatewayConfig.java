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
 */
public record GatewayConfig(List<Forward> forwards, Settings settings, Optional<Path> source) {

    public GatewayConfig {
        forwards = List.copyOf(forwards);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
        Set<String> names = new HashSet<>();
        for (Forward f : forwards) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("forward name '" + f.name() + "' is used twice (expected: unique names)");
            }
        }
    }

    public Optional<Forward> forward(String name) {
        return forwards.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
