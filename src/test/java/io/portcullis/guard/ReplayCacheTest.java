package io.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCacheTest {

    @TempDir
    Path dir;

    @Test
    void aUsedPacketStaysUsedAcrossARestartUntilItCouldNoLongerPassTheAgeCheck() throws Exception {
        Path file = dir.resolve("spa-replay.txt");
        byte[] fresh = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        byte[] old = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
        Instant now = Instant.now();
        ReplayCache first = new ReplayCache(file, Duration.ofMinutes(5));
        assertThat(first.firstUse(fresh, now)).isTrue();
        assertThat(first.firstUse(fresh, now)).as("a replay").isFalse();
        first.persist(fresh, now);
        first.persist(old, now.minus(Duration.ofHours(1)));
        Files.writeString(file, "garbage line\n", java.nio.file.StandardOpenOption.APPEND);

        ReplayCache second = new ReplayCache(file, Duration.ofMinutes(5));
        assertThat(second.firstUse(fresh, now)).as("remembered after a restart").isFalse();
        assertThat(second.size()).as("the hour-old entry and the garbage are dropped").isEqualTo(1);
        assertThat(Files.readAllLines(file)).hasSize(1);
    }
}
