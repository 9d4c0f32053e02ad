package io.portcullis.guard;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Digests of SPA packets already used, so a captured packet cannot be sent again to reopen a port. Kept in
 * memory and appended to a file in the data directory, so a restart does not forget them. An entry needs to
 * live only as long as its packet could still pass the age check; older ones are dropped when the file is
 * read and rewritten at start.
 */
final class ReplayCache {

    private final Path file;
    private final Duration keep;
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();

    /** @param keep how long an entry matters: twice the packet age limit covers clocks that run ahead */
    ReplayCache(Path file, Duration keep) throws IOException {
        this.file = file;
        this.keep = keep;
        if (file != null && Files.exists(file)) {
            long cutoff = Instant.now().minus(keep).getEpochSecond();
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2 && parts[0].matches("\\d{1,12}") && parts[1].matches("[0-9a-f]{16,128}")) {
                    long at = Long.parseLong(parts[0]);
                    if (at >= cutoff) {
                        seen.put(parts[1], at);
                        kept.add(line.trim());
                    }
                }
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, kept, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Records {@code digest}; false when it was already there (a replay). */
    boolean firstUse(byte[] digest, Instant now) {
        String hex = HexFormat.of().formatHex(digest);
        return seen.putIfAbsent(hex, now.getEpochSecond()) == null;
    }

    /** Appends the digest to the file; called off the SPA socket's thread. */
    void persist(byte[] digest, Instant now) throws IOException {
        if (file == null) {
            return;
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
            w.write(now.getEpochSecond() + " " + HexFormat.of().formatHex(digest) + "\n");
        }
    }

    void expire(Instant now) {
        long cutoff = now.minus(keep).getEpochSecond();
        seen.values().removeIf(at -> at < cutoff);
    }

    int size() {
        return seen.size();
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(seen);
    }
}
