package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.scoring.Result;

/**
 * Decides whether a new admin password is good enough, and says why not in words a person can act on.
 *
 * <p>It follows NIST SP 800-63B rather than composition rules: length matters, any character is allowed
 * (Unicode, spaces), and the password is refused when an attacker would try it early: when it is on the
 * bundled list of common and breached passwords, when it contains the user's name or the word "portcullis",
 * or when the nbvcxz estimator finds it guessable (fewer than {@link #MIN_ENTROPY_BITS} bits).
 *
 * <p>Length is counted in Unicode code points, after normalising to NFKC ({@link #normalise}). The same
 * normalisation happens before {@link PasswordHasher} hashes, so what is checked is what is stored. The list
 * is loaded lazily and thread-safely by the first check (about a second: the list and nbvcxz's dictionaries)
 * and let go ten minutes after the last one, since a gateway checks passwords rarely. Checks after that take
 * milliseconds: a passphrase of words about 1 ms, a random 12-character string 10-40 ms, as nbvcxz looks for
 * near-misses of every dictionary word in it. Instances are immutable and thread-safe.
 */
public final class PasswordPolicy {

    /** Fewest ({@code MIN_LENGTH}) and most ({@code MAX_LENGTH}) code points accepted, after NFKC. */
    public static final int MIN_LENGTH = 12, MAX_LENGTH = 1024;
    /**
     * nbvcxz's estimated entropy, in bits, below which a password is refused as guessable (nbvcxz's own default
     * is 35). 2<sup>40</sup> guesses against our Argon2id hashes, at some thousands a second on a GPU, is years;
     * a random 12-character password of letters and digits or four random words clears it.
     */
    public static final double MIN_ENTROPY_BITS = 40.0;

    /**
     * nbvcxz's time grows steeply with length (a 256-character password takes about a second), so it sees the
     * first 48 characters only; their entropy is a lower bound for the whole, and 48 is longer than a six-word
     * passphrase. The list, user-name and product-name checks see the whole password.
     */
    static final int ESTIMATE_LENGTH = 48;
    static final String LIST_RESOURCE = "common-passwords.txt.gz";
    private static final String PRODUCT_NAME = "portcullis";
    private static final int MIN_USER_NAME_LENGTH = 3;

    private static final String ADVICE_WORDS =
            "Use four or more random words, such as a phrase no one has written before; spaces are fine.";
    private static final String ADVICE_MANAGER = "Or let a password manager generate a random password for you.";

    /** The list and the estimator, built together by {@link Cache} when a check needs them. */
    private record Loaded(Set<String> common, Nbvcxz estimator) {}

    private final java.util.function.Supplier<Loaded> loaded;

    /** The verdict on one password: acceptable, or the problems found and advice on choosing better. */
    public record Verdict(boolean acceptable, List<String> problems, List<String> advice) {
        /** Copies both lists; an acceptable verdict has no problems. */
        public Verdict {
            problems = List.copyOf(problems);
            advice = List.copyOf(advice);
            if (acceptable && !problems.isEmpty()) {
                throw new IllegalArgumentException("problems: " + problems + " (expected: none when acceptable)");
            }
        }
    }

    private PasswordPolicy(java.util.function.Supplier<Loaded> loaded) {
        this.loaded = loaded;
    }

    private static Loaded build(Set<String> common) {
        return new Loaded(common, new Nbvcxz(new ConfigurationBuilder()
                .setMinimumEntropy(MIN_ENTROPY_BITS)
                .setLocale(Locale.ENGLISH)
                .setMaxLength(ESTIMATE_LENGTH)
                .setDictionaries(dictionaries(common))
                .createConfiguration()));
    }

    /**
     * nbvcxz's own dictionaries, plus the entries of our list that its "passwords" dictionary (the same source's
     * top 100,000) lacks, ranked by their place in our list, so that it also finds those inside longer
     * passwords. Adding only the difference keeps estimates fast.
     */
    private static List<Dictionary> dictionaries(Set<String> common) {
        List<Dictionary> dictionaries = new ArrayList<>(ConfigurationBuilder.getDefaultDictionaries());
        Set<String> known = dictionaries.stream().filter(d -> d.getDictionaryName().equals("passwords"))
                .findFirst().map(d -> d.getDictonary().keySet()).orElse(Set.of());
        DictionaryBuilder extra = new DictionaryBuilder().setDictionaryName("portcullis-common-passwords");
        int rank = 0;
        for (String word : common) {
            rank++;
            if (!known.contains(word)) {
                extra.addWord(word, rank);
            }
        }
        dictionaries.add(extra.createDictionary());
        return dictionaries;
    }

    private static final Cache CACHE = new Cache();
    private static final PasswordPolicy STANDARD = new PasswordPolicy(CACHE::get);

    /**
     * The policy with the bundled common-password list. Getting it costs nothing; the list and nbvcxz's
     * dictionaries (seconds on a busy machine) load on the first check, or earlier through {@link #warmUp()}.
     */
    public static PasswordPolicy standard() {
        return STANDARD;
    }

    /** Loads the list and dictionaries now, on the calling thread, so the first real check is fast. */
    public void warmUp() {
        loaded.get();
    }

    /**
     * Checks a new password for {@code userName} (may be null or empty when not known yet).
     * Never throws for any password content.
     */
    public Verdict check(String userName, String password) {
        requireNonNull(password, "password");
        String normal = normalise(password);
        int length = normal.codePointCount(0, normal.length());
        if (length < MIN_LENGTH) {
            return refused(List.of("It is too short: " + length + " characters, and at least " + MIN_LENGTH
                    + " are needed."), ADVICE_WORDS);
        }
        if (length > MAX_LENGTH) {
            return refused(List.of("It is too long: " + length + " characters, and at most " + MAX_LENGTH
                    + " are allowed."), "Choose a shorter passphrase; five or six random words are plenty.");
        }
        String lower = normal.toLowerCase(Locale.ROOT);
        Set<String> problems = new LinkedHashSet<>();
        Set<String> advice = new LinkedHashSet<>();
        Loaded l = loaded.get();
        if (l.common().contains(lower) || l.common().contains(lower.strip())) {
            problems.add("It is on a list of common or leaked passwords, which attackers try first.");
            advice.add("Choose something no one else would choose: a password seen in a breach is never safe again.");
        }
        String name = userName == null ? "" : normalise(userName).toLowerCase(Locale.ROOT).strip();
        if (name.codePointCount(0, name.length()) >= MIN_USER_NAME_LENGTH && lower.contains(name)) {
            problems.add("It contains your user name, which anyone who knows your account can guess.");
            advice.add("Leave your user name out of your password.");
        }
        if (lower.contains(PRODUCT_NAME)) {
            problems.add("It contains the word \"portcullis\", which attackers of this system will try first.");
            advice.add("Leave the product's name out of your password.");
        }
        if (problems.isEmpty()) {
            Result result = l.estimator().estimate(normal);
            if (!result.isMinimumEntropyMet()) {
                problems.add("It is too easy to guess: it follows a pattern (repeats, sequences, keyboard rows, "
                        + "dates or common words) that password-cracking tools try early.");
                String warning = result.getFeedback().getWarning();
                if (warning != null && !warning.isBlank()) {
                    problems.add(warning);
                }
                advice.addAll(result.getFeedback().getSuggestion());
            }
        }
        if (problems.isEmpty()) {
            return new Verdict(true, List.of(), List.of());
        }
        advice.add(ADVICE_WORDS);
        advice.add(ADVICE_MANAGER);
        return new Verdict(false, new ArrayList<>(problems), new ArrayList<>(advice));
    }

    /** Number of entries in the common-password list. */
    public int commonPasswordCount() {
        return loaded.get().common().size();
    }

    /** True when {@code password} (compared in lower case, after NFKC) is on the common-password list. */
    public boolean isCommon(String password) {
        requireNonNull(password, "password");
        return loaded.get().common().contains(normalise(password).toLowerCase(Locale.ROOT));
    }

    /**
     * The form in which a password is checked and hashed: Unicode NFKC, so that characters that look the same
     * and mean the same (full-width letters, ligatures, composed and decomposed accents) are the same password
     * whichever keyboard or operating system typed them. Nothing else is changed: not case, not spaces.
     */
    public static String normalise(String password) {
        requireNonNull(password, "password");
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    private static Verdict refused(List<String> problems, String advice) {
        return new Verdict(false, problems, List.of(advice, ADVICE_MANAGER));
    }

    /** Reads a gzipped list, one password a line, into a set that keeps the list's order (its rank). */
    static Set<String> load(InputStream gzipped) throws IOException {
        Set<String> set = new LinkedHashSet<>(300_000);
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(gzipped, 1 << 16), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty()) {
                    // NFKC leaves ASCII unchanged, and the bundled list is almost all ASCII: skip the slow path.
                    set.add((isAscii(line) ? line : normalise(line)).toLowerCase(Locale.ROOT));
                }
            }
        }
        return Collections.unmodifiableSet(set);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * Holds the list and the estimator while passwords are being checked, and lets them go ten minutes after
     * the last check. They take about 45 MiB of heap; a gateway checks passwords at setup and on the rare
     * password change, and between those the memory (and the collector's work over it) is better spent on
     * the data plane. Loading again costs a second or two of one thread.
     */
    private static final class Cache {
        private static final long KEEP_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

        private Loaded value;
        private long lastUse;
        private java.util.concurrent.ScheduledExecutorService timer;

        synchronized Loaded get() {
            if (value == null) {
                value = build(loadBundled());
            }
            lastUse = System.nanoTime();
            if (timer == null) {
                timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "password-policy-release");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleWithFixedDelay(this::releaseIfIdle, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
            }
            return value;
        }

        private synchronized void releaseIfIdle() {
            if (value != null && System.nanoTime() - lastUse > KEEP_NANOS) {
                value = null;
                timer.shutdown();
                timer = null;
            }
        }

        private static Set<String> loadBundled() {
            try (InputStream in = PasswordPolicy.class.getResourceAsStream(LIST_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + LIST_RESOURCE + " beside "
                            + PasswordPolicy.class.getName());
                }
                return load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + LIST_RESOURCE, e);
            }
        }
    }
}
