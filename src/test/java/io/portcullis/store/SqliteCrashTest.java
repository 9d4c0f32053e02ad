package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL at a random moment and checks that every write it acknowledged is on
 * disk and the database is sound.
 */
class SqliteCrashTest {

    private static final String EOF = "<eof>";

    @TempDir
    Path dir;

    @Test
    void keepsEveryAcknowledgedWriteAcrossKillNine() throws Exception {
        Path dataDir = dir.resolve("data");
        int next = 1;
        for (int round = 0; round < 2; round++) {
            List<Integer> acked = writeUntilKilled(dataDir, next, 200 + ThreadLocalRandom.current().nextInt(300));
            assertThat(acked).as("acknowledgements in round %d", round).hasSizeGreaterThanOrEqualTo(200);

            assertThat(SqliteBackupTest.integrity(dataDir.resolve(SqliteStore.FILE_NAME))).isEqualTo("ok");
            try (SqliteStore store = SqliteStore.open(dataDir)) {
                for (int i : acked) {
                    assertThat(store.get(StoreCrashChild.key(i))).as("acknowledged key %d", i).isPresent()
                            .get().extracting(Store.Entry::text).asString().startsWith(i + ":");
                }
                int last = acked.getLast();
                assertThat(store.revision()).isGreaterThanOrEqualTo(2L * last);
                next = last + 2; // the key after the last ack may or may not have made it; skip it
            }
        }
    }

    /** Runs the child from {@code first}, kills it after {@code acks} acknowledgements, returns all it printed. */
    private List<Integer> writeUntilKilled(Path dataDir, int first, int acks) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path stderr = dir.resolve("child-" + first + ".err");
        Process child = new ProcessBuilder(java, "-Xmx128m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), dataDir.toString(), Integer.toString(first), "100000")
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(child, lines), "crash-test-reader");
        reader.setDaemon(true);
        reader.start();
        List<Integer> acked = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < acks && System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (EOF.equals(line)) {
                    throw new AssertionError("the child ended early: " + Files.readString(stderr));
                }
                if (line != null && !line.equals("open")) {
                    acked.add(Integer.parseInt(line));
                }
            }
            assertThat(acked).as("acks within 60 s; child stderr: %s", Files.readString(stderr)).hasSize(acks);
            Thread.sleep(ThreadLocalRandom.current().nextInt(20)); // land the kill anywhere in a write
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child ended after SIGKILL").isTrue();
        }
        // Lines printed before the kill are acknowledgements too, even if read only now.
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String line; System.nanoTime() < drainDeadline
                && (line = lines.poll(1, TimeUnit.SECONDS)) != null && !EOF.equals(line); ) {
            if (!line.equals("open") && !line.isBlank()) {
                try {
                    acked.add(Integer.parseInt(line));
                } catch (NumberFormatException cutOff) {
                    // A number cut off by the kill was never fully acknowledged.
                }
            }
        }
        return acked;
    }

    private static void readLines(Process child, BlockingQueue<String> lines) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException closed) {
            // The child was killed mid-line.
        }
        lines.add(EOF);
    }
}
