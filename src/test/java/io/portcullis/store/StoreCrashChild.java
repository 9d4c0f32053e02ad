package io.portcullis.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The program {@link SqliteCrashTest} kills: opens the store in {@code args[0]} and writes keys numbered from
 * {@code args[1]}, printing each number only after its put returned. Bounded to {@code args[2]} keys and one
 * minute, so a lost parent cannot leave it running.
 */
public final class StoreCrashChild {

    private StoreCrashChild() {}

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        byte[] padding = "x".repeat(300).getBytes(StandardCharsets.UTF_8);
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            System.out.println("open");
            System.out.flush();
            for (int i = first; i < first + count && System.nanoTime() < deadline; i++) {
                byte[] value = (i + ":" + new String(padding, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                store.put(key(i), value);
                if (i % 7 == 0) {
                    store.delete("scratch/" + (i - 7));
                }
                store.put("scratch/" + i, value);
                System.out.println(i);
                System.out.flush();
            }
        }
    }

    static String key(int i) {
        return String.format("crash/%08d", i);
    }
}
