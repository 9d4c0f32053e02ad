package io.portcullis.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelt keys and values: a typo should cost one look, not a trip to the docs. */
final class Suggestions {

    private Suggestions() {}

    /**
     * The known word closest to {@code typed}: within an edit distance of 2, or one that {@code typed} is a
     * prefix of (or that is a prefix of {@code typed}). Underscores count as dashes and case is ignored, so
     * {@code max_connections} and {@code Listen} find their key. Empty when nothing is close.
     */
    static Optional<String> closest(String typed, Collection<String> known) {
        String t = normalise(typed);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : known) {
            String c = normalise(candidate);
            int d = distance(t, c);
            // Two edits turn any two-letter word into any other, so short input needs a closer match.
            int allowed = Math.min(2, Math.max(1, t.length() / 2));
            int score;
            if (d <= allowed) {
                score = d;
            } else if (t.length() >= 3 && (c.startsWith(t) || t.startsWith(c))) {
                score = allowed + 1;
            } else {
                continue;
            }
            if (score < bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalise(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Levenshtein distance, two rows at a time. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
