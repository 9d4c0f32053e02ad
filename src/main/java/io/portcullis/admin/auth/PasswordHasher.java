package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format, the only form in which admin passwords are stored:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in standard Base64 without padding,
 * the format that the reference {@code argon2} tool, libsodium and PHP print and read.
 *
 * <p>It exists to hold the rules in one place: a fresh 16-byte salt per hash, 32-byte output, parameters
 * recorded in the string so they can be raised later ({@link #needsRehash} tells a caller, right after a
 * successful login, that it should store a new hash), a constant-time comparison, and {@link #verifyDummy}
 * so that a login for a user who does not exist costs the same time as one for a user who does.
 *
 * <p>The password is normalised to Unicode NFKC ({@link PasswordPolicy#normalise}) before hashing and before
 * verifying, the same form that {@link PasswordPolicy} checks, so the same passphrase typed on two keyboards
 * that produce different code points for the same characters still matches.
 *
 * <p>Argon2 is computed with Bouncy Castle's lightweight API; no JCE provider is registered. Each hash or
 * verification holds {@code memoryKiB} of memory for its duration (19 MiB by default): callers limit how many
 * run at once by limiting login attempts. Instances are immutable and thread-safe.
 */
public final class PasswordHasher {

    /** OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
    public static final int STANDARD_MEMORY_KIB = 19_456;
    /** See {@link #STANDARD_MEMORY_KIB}. */
    public static final int STANDARD_ITERATIONS = 2;
    /** See {@link #STANDARD_MEMORY_KIB}. */
    public static final int STANDARD_PARALLELISM = 1;

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    // Limits on what verify() will compute for a stored string, so a corrupted record cannot ask for 4 TiB.
    private static final int MAX_MEMORY_KIB = 1 << 21;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 64;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final String dummyEncoded;

    /** A hasher with OWASP's minimum Argon2id parameters: m=19456 KiB, t=2, p=1. */
    public static PasswordHasher standard() {
        return new PasswordHasher(STANDARD_MEMORY_KIB, STANDARD_ITERATIONS, STANDARD_PARALLELISM);
    }

    /**
     * A hasher with the given Argon2id parameters.
     *
     * @throws IllegalArgumentException when {@code parallelism} is not 1-64, {@code iterations} not 1-64, or
     *     {@code memoryKiB} is less than {@code 8 * parallelism} (Argon2's minimum) or more than 2 GiB
     */
    public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism: " + parallelism + " (expected: 1-" + MAX_PARALLELISM + ")");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: 1-" + MAX_ITERATIONS + ")");
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memoryKiB: " + memoryKiB
                    + " (expected: " + 8 * parallelism + "-" + MAX_MEMORY_KIB + ")");
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.dummyEncoded = encode(memoryKiB, iterations, parallelism,
                Secrets.randomBytes(SALT_BYTES), Secrets.randomBytes(HASH_BYTES));
    }

    /** Hashes {@code password} (after NFKC normalisation) with a fresh random salt; returns the PHC string. */
    public String hash(String password) {
        requireNonNull(password, "password");
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] hash = argon2(passwordBytes(password), salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        return encode(memoryKiB, iterations, parallelism, salt, hash);
    }

    /**
     * True when {@code password} matches the PHC string {@code encoded}, computed with the parameters recorded
     * in it. Returns false, never throws, for a null or malformed string or one that is not Argon2id v19.
     */
    public boolean verify(String password, String encoded) {
        if (password == null) {
            return false;
        }
        Phc phc = Phc.parse(encoded);
        if (phc == null) {
            return false;
        }
        byte[] actual = argon2(passwordBytes(password), phc.salt, phc.memoryKiB, phc.iterations, phc.parallelism,
                phc.hash.length);
        return MessageDigest.isEqual(actual, phc.hash);
    }

    /**
     * True when {@code encoded} should be replaced by a new {@link #hash} at the next successful login: its
     * memory, iterations or parallelism is below this hasher's, its salt or hash is shorter than this hasher
     * makes, or it cannot be read at all.
     */
    public boolean needsRehash(String encoded) {
        Phc phc = Phc.parse(encoded);
        return phc == null
                || phc.memoryKiB < memoryKiB
                || phc.iterations < iterations
                || phc.parallelism < parallelism
                || phc.salt.length < SALT_BYTES
                || phc.hash.length < HASH_BYTES;
    }

    /**
     * Does the work of one {@link #verify} against a hash that matches nothing, and discards the result. Call
     * it when the user name is unknown, so that "no such user" and "wrong password" take the same time.
     */
    public void verifyDummy(String password) {
        verify(password == null ? "" : password, dummyEncoded);
    }

    /** Memory cost in KiB. */
    public int memoryKiB() {
        return memoryKiB;
    }

    /** Number of passes. */
    public int iterations() {
        return iterations;
    }

    /** Number of lanes. */
    public int parallelism() {
        return parallelism;
    }

    static byte[] argon2(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism,
            int length) {
        return argon2(password, salt, null, null, memoryKiB, iterations, parallelism, length);
    }

    /** Raw Argon2id v1.3, with the optional secret and associated data that RFC 9106's test vectors use. */
    static byte[] argon2(byte[] password, byte[] salt, byte[] secret, byte[] additional, int memoryKiB,
            int iterations, int parallelism, int length) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (additional != null) {
            builder.withAdditional(additional);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] passwordBytes(String password) {
        return PasswordPolicy.normalise(password).getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(int m, int t, int p, byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + m + ",t=" + t + ",p=" + p + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(hash);
    }

    /** A parsed PHC string; {@link #parse} returns null for anything this class would not have written. */
    private record Phc(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Phc parse(String encoded) {
            if (encoded == null || encoded.length() > 512) {
                return null;
            }
            String[] parts = encoded.split("\\$", -1);
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return null;
            }
            String[] params = parts[3].split(",", -1);
            if (params.length != 3) {
                return null;
            }
            int m = number(params[0], "m=");
            int t = number(params[1], "t=");
            int p = number(params[2], "p=");
            if (p < 1 || p > MAX_PARALLELISM || t < 1 || t > MAX_ITERATIONS || m < 8 * p || m > MAX_MEMORY_KIB) {
                return null;
            }
            byte[] salt = base64(parts[4]);
            byte[] hash = base64(parts[5]);
            if (salt == null || hash == null || salt.length < 8 || salt.length > 64
                    || hash.length < 16 || hash.length > 64) {
                return null;
            }
            return new Phc(m, t, p, salt, hash);
        }

        private static int number(String field, String prefix) {
            if (!field.startsWith(prefix)) {
                return -1;
            }
            String digits = field.substring(prefix.length());
            if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (digits.length() > 1 && digits.charAt(0) == '0')) {
                return -1;
            }
            return Integer.parseInt(digits);
        }

        private static byte[] base64(String text) {
            if (text.isEmpty() || text.indexOf('=') >= 0) {
                return null;
            }
            try {
                return B64_DECODER.decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
