package io.portcullis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.portcullis.admin.api.ApiException;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.ConfigLoader.ExtraForward;
import io.portcullis.config.ConfigProblem;
import io.portcullis.config.GatewayConfig;
import io.portcullis.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forwards made through the API: kept in the store under {@code forwards/NAME}, written with the same keys
 * as in the config file, and joined to the file's forwards to make the config the gateway runs. The file
 * stays the file's: its forwards are never written here, and a name the file uses cannot be taken.
 */
final class ApiForwards {

    static final String PREFIX = "forwards/";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern TOP_KEY = Pattern.compile("^  \"([^\"]+)\" :");
    private static final Pattern NAMED_KEY = Pattern.compile("has no '([a-z-]+)'|'([a-z-]+)' in forward");

    /** One stored API forward. */
    record Stored(String name, Map<String, Object> spec, long version) {
        String source() {
            return "api forward '" + name + "'";
        }
    }

    /** The config to run, and the API forwards that could not join it with why. */
    record Resolved(GatewayConfig config, Map<String, String> failed) {}

    private final Store store;

    ApiForwards(Store store) {
        this.store = store;
    }

    List<Stored> list() {
        List<Stored> out = new ArrayList<>();
        for (Store.Entry e : store.list(PREFIX)) {
            out.add(decode(e));
        }
        return out;
    }

    Optional<Stored> find(String name) {
        return store.get(PREFIX + name).map(ApiForwards::decode);
    }

    @SuppressWarnings("unchecked")
    private static Stored decode(Store.Entry e) {
        try {
            Map<String, Object> value = JSON.readValue(e.value(), Map.class);
            Map<String, Object> spec = (Map<String, Object>) value.getOrDefault("spec", Map.of());
            return new Stored(e.key().substring(PREFIX.length()), spec, e.modRevision());
        } catch (IOException ex) {
            throw new IllegalStateException("the stored forward " + e.key() + " is damaged: " + ex.getMessage(), ex);
        }
    }

    /** Stores a checked spec; {@code expected} 0 creates, else replaces that version. Empty when someone was first. */
    Optional<Stored> save(String name, Map<String, Object> spec, long expected, String actor) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("spec", spec);
        value.put("changedBy", actor);
        value.put("changedAt", Instant.now().toString());
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return store.compareAndSet(PREFIX + name, expected, bytes).map(ApiForwards::decode);
    }

    boolean delete(String name, long expected) {
        return store.compareAndDelete(PREFIX + name, expected);
    }

    /**
     * The file's config joined with the API forwards. An API forward that no longer fits (the file took its
     * port or name since) is left out and reported, so a file edit never stops the gateway from starting.
     *
     * @throws ConfigException when the file itself is wrong
     */
    static Resolved resolve(GatewayConfig file, Optional<String> fileText, List<Stored> api) throws ConfigException {
        Map<String, String> failed = new LinkedHashMap<>();
        List<Stored> trying = new ArrayList<>(api);
        for (int round = 0; round < 3; round++) {
            try {
                return new Resolved(join(file, fileText, trying), failed);
            } catch (ConfigException e) {
                List<Stored> bad = new ArrayList<>();
                for (ConfigProblem p : e.problems()) {
                    Optional<Stored> culprit = trying.stream().filter(s -> s.source().equals(p.file())).findFirst();
                    if (culprit.isEmpty()) {
                        throw e;
                    }
                    bad.add(culprit.get());
                    failed.merge(culprit.get().name(), p.message(), (a, b) -> a + "; " + b);
                }
                trying.removeAll(bad);
            }
        }
        return new Resolved(join(file, fileText, trying), failed);
    }

    /**
     * The file's config with the API forwards after its own. With the file's text (as it was when the file
     * was last read, never re-read here: an API change must not apply file edits nobody reloaded), the API
     * forwards are checked together with the file's, names and ports included. Without it (a config made
     * in code), they are checked on their own and then joined; names still must differ.
     */
    static GatewayConfig join(GatewayConfig file, Optional<String> fileText, List<Stored> api) throws ConfigException {
        if (api.isEmpty()) {
            return file;
        }
        List<ExtraForward> extra = new ArrayList<>();
        for (Stored s : api) {
            extra.add(new ExtraForward(s.source(), text(s.spec())));
        }
        List<io.portcullis.config.Forward> forwards;
        if (fileText.isPresent()) {
            String label = file.source().map(Object::toString).orElse("<config>");
            forwards = ConfigLoader.parse(fileText.get(), label, extra).forwards();
        } else {
            forwards = new ArrayList<>(file.forwards());
            for (io.portcullis.config.Forward f : ConfigLoader.parse("", "<built-in defaults>", extra).forwards()) {
                if (file.forward(f.name()).isPresent()) {
                    throw new ConfigException(List.of(new ConfigProblem(api.stream().filter(s -> s.name().equals(f.name()))
                            .findFirst().orElseThrow().source(), 1, 1, "forward name '" + f.name() + "' is already used by the config")));
                }
                forwards.add(f);
            }
        }
        // Settings, guard and admin stay the running config's: a data directory given on the command line
        // (which the file does not know) included.
        return new GatewayConfig(forwards, file.settings(), file.source(), file.guard(), file.admin());
    }

    /** The spec as the loader reads it: pretty JSON, one top-level key per line, so problems map to fields. */
    static String text(Map<String, Object> spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The loader's problems with one API forward, as the API's field problems. */
    static ApiException problems(Stored candidate, ConfigException e) {
        String[] lines = text(candidate.spec()).split("\n", -1);
        List<ApiException.FieldProblem> out = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            if (!p.file().equals(candidate.source())) {
                continue;
            }
            out.add(new ApiException.FieldProblem(field(lines, p), p.message()));
        }
        if (out.isEmpty()) {
            // Only the file or another forward is wrong: nothing the caller can fix in this body.
            return new ApiException(409, "config-invalid", "the running config has problems of its own; fix the config file first: "
                    + e.getMessage(), List.of(), null);
        }
        return ApiException.invalid("the forward is not valid", out);
    }

    private static String field(String[] lines, ConfigProblem p) {
        String key = null;
        for (int i = 0; i < Math.min(p.line(), lines.length); i++) {
            Matcher m = TOP_KEY.matcher(lines[i]);
            if (m.find()) {
                key = m.group(1);
            }
        }
        if (p.line() <= 1 || key == null) {
            Matcher m = NAMED_KEY.matcher(p.message());
            if (m.find()) {
                return m.group(1) != null ? m.group(1) : m.group(2);
            }
            return "spec";
        }
        return key;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
