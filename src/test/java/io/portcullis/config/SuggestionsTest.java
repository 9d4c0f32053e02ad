package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> KEYS = ForwardBinder.KEYS;

    @Test
    void suggestsKeysWithinTwoEdits() {
        assertThat(Suggestions.closest("lisen", KEYS)).contains("listen");
        assertThat(Suggestions.closest("targts", KEYS)).contains("targets");
        assertThat(Suggestions.closest("Listen", KEYS)).contains("listen");
    }

    @Test
    void treatsUnderscoresAsDashes() {
        assertThat(Suggestions.closest("max_connections", KEYS)).contains("max-connections");
        assertThat(Suggestions.closest("health_check", KEYS)).contains("health-check");
    }

    @Test
    void suggestsAKeyThatStartsWithWhatWasTyped() {
        assertThat(Suggestions.closest("health", KEYS)).contains("health-check");
        assertThat(Suggestions.closest("max-udp", KEYS)).contains("max-udp-sessions");
    }

    @Test
    void suggestsNothingForUnrelatedWords() {
        assertThat(Suggestions.closest("colour", KEYS)).isEmpty();
        assertThat(Suggestions.closest("x", KEYS)).isEmpty();
    }

    @Test
    void measuresLevenshteinDistance() {
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.distance("same", "same")).isZero();
    }
}
