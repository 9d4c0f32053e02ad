package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One admin-plane user as stored under {@code users/<lower-cased name>}. It exists as one immutable record so
 * that every change is "read, make a new record, compare-and-set", which is what keeps two racing requests
 * (two logins with one TOTP code, two uses of one recovery code) from both succeeding.
 *
 * <p>It holds secrets' stored forms: the Argon2id {@code passwordHash}, the SHA-256 {@code recoveryHashes},
 * and the TOTP secret itself ({@code totpSecret}, {@code pendingTotpSecret}), which must be kept as is because
 * verifying a code needs it. That is why the database file is created 0600 in a 0700 directory, and why a
 * user leaves this package only as a {@link #view()}. {@link #toString()} leaves the secrets out too.
 *
 * @param totpLastStep the TOTP step of the last accepted code ({@link Long#MIN_VALUE}: none); a code of this
 *     step or an earlier one is refused, so a code cannot be replayed
 * @param pendingTotpSecret a secret shown at enrolment but not yet confirmed with a code, or null
 * @param lastLogin null until the first login
 */
public record User(
        String name,
        Role role,
        String passwordHash,
        String totpSecret,
        boolean totpEnabled,
        long totpLastStep,
        String pendingTotpSecret,
        List<String> recoveryHashes,
        Instant createdAt,
        Instant lastLogin,
        Instant passwordChangedAt) {

    /** Validates presence; names are checked by {@link Accounts}. */
    public User {
        requireNonNull(name, "name");
        requireNonNull(role, "role");
        requireNonNull(passwordHash, "passwordHash");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(passwordChangedAt, "passwordChangedAt");
        recoveryHashes = recoveryHashes == null ? List.of() : List.copyOf(recoveryHashes);
        if (totpEnabled && totpSecret == null) {
            throw new IllegalArgumentException("totpSecret: null (expected: a secret when totpEnabled)");
        }
    }

    /** What the API shows of a user: {@code {"name","role","totpEnabled","createdAt","lastLogin"}}. */
    public record View(String name, Role role, boolean totpEnabled, Instant createdAt, Instant lastLogin) {}

    /** This user without any secret or hash. */
    public View view() {
        return new View(name, role, totpEnabled, createdAt, lastLogin);
    }

    /** How many unused recovery codes are left. */
    public int recoveryCodesLeft() {
        return recoveryHashes.size();
    }

    User withPassword(String hash, Instant changedAt) {
        return new User(name, role, hash, totpSecret, totpEnabled, totpLastStep, pendingTotpSecret,
                recoveryHashes, createdAt, lastLogin, changedAt);
    }

    User withRehash(String hash) {
        return new User(name, role, hash, totpSecret, totpEnabled, totpLastStep, pendingTotpSecret,
                recoveryHashes, createdAt, lastLogin, passwordChangedAt);
    }

    User withPendingTotp(String secret) {
        return new User(name, role, passwordHash, totpSecret, totpEnabled, totpLastStep, secret,
                recoveryHashes, createdAt, lastLogin, passwordChangedAt);
    }

    User withTotp(String secret, boolean enabled, long lastStep, List<String> hashes) {
        return new User(name, role, passwordHash, secret, enabled, lastStep, null, hashes, createdAt, lastLogin,
                passwordChangedAt);
    }

    User withLastStep(long step) {
        return new User(name, role, passwordHash, totpSecret, totpEnabled, step, pendingTotpSecret,
                recoveryHashes, createdAt, lastLogin, passwordChangedAt);
    }

    User withRecoveryHashes(List<String> hashes) {
        return new User(name, role, passwordHash, totpSecret, totpEnabled, totpLastStep, pendingTotpSecret,
                hashes, createdAt, lastLogin, passwordChangedAt);
    }

    User withLastLogin(Instant when) {
        return new User(name, role, passwordHash, totpSecret, totpEnabled, totpLastStep, pendingTotpSecret,
                recoveryHashes, createdAt, when, passwordChangedAt);
    }

    /** This user after using TOTP {@code code} at {@code now}, or null when it does not match or was used. */
    User usingTotp(String code, Instant now) {
        if (!totpEnabled) {
            return null;
        }
        OptionalLong step = Totp.match(totpSecret, code, now, totpLastStep);
        return step.isPresent() ? withLastStep(step.getAsLong()) : null;
    }

    /** This user after using recovery code {@code code}, or null when it is not one of the unused ones. */
    User usingRecoveryCode(String code) {
        OptionalInt index = RecoveryCodes.match(recoveryHashes, code);
        if (index.isEmpty()) {
            return null;
        }
        List<String> left = new ArrayList<>(recoveryHashes);
        left.remove(index.getAsInt());
        return withRecoveryHashes(left);
    }

    /** Names, role and dates only: a user may be logged, its secrets never. */
    @Override
    public String toString() {
        return "User[name=" + name + ", role=" + role + ", totpEnabled=" + totpEnabled + ", recoveryCodesLeft="
                + recoveryHashes.size() + ", createdAt=" + createdAt + ", lastLogin=" + lastLogin + "]";
    }
}
