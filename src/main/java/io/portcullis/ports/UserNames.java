package io.portcullis.ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** User names for user ids, read once from a passwd file; an unknown uid is named by its number. */
final class UserNames {

    private final Path passwd;
    private Map<Integer, String> names;

    UserNames(Path passwd) {
        this.passwd = Objects.requireNonNull(passwd, "passwd");
    }

    /** The name of {@code uid}, or the number as text when the passwd file does not know it. */
    String name(int uid) {
        if (names == null) {
            names = load(passwd);
        }
        String n = names.get(uid);
        return n != null ? n : Integer.toUnsignedString(uid);
    }

    static Map<Integer, String> load(Path passwd) {
        Map<Integer, String> map = new HashMap<>();
        try {
            for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length < 3 || f[0].isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    map.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                } catch (NumberFormatException e) {
                    // skip the line
                }
            }
        } catch (IOException | RuntimeException e) {
            // no passwd file: numbers only
        }
        return map;
    }
}
