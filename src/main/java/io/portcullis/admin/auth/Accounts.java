package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import io.portcullis.store.Store;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * The admin plane's users: creating them, passwords, the second factor (TOTP with recovery codes) and the
 * rules around them. It exists so that the API layer never touches a hash, a TOTP secret or the store's keys:
 * it asks "is this password right?", "is this code right?", and gets answers or an {@link AccountException}
 * that says per field what was wrong.
 *
 * <p>Each user is one JSON record under {@code users/<lower-cased name>}. Every change reads the record,
 * makes a new one and writes it with compare-and-set on the record's revision, retrying on a race; so a TOTP
 * code or a recovery code is accepted once even when several requests carry it at the same moment, and two
 * requests creating one name cannot both succeed. Names are compared without case.
 *
 * <p>The store holds TOTP secrets as they are (a code cannot be checked without its secret); the database
 * file is created 0600 in a 0700 directory for that reason. Passwords are kept only as Argon2id hashes and
 * recovery codes only as SHA-256 hashes. Nothing here logs.
 *
 * <p>Deleting a user or changing a password does not end sessions or revoke tokens by itself: the caller
 * follows with {@link Sessions#endAll} and, on delete, {@link ApiTokens#revokeAll}. Thread-safe.
 */
public final class Accounts {

    /** The issuer shown by authenticator apps. */
    public static final String ISSUER = "Portcullis";

    private static final int MAX_ATTEMPTS = 1_000;

    /** The outcome of a password check at login. */
    public record LoginCheck(boolean ok, User.View user, boolean secondFactorRequired, boolean enrolmentRequired) {
        static final LoginCheck FAILED = new LoginCheck(false, null, false, false);
    }

    /** A TOTP enrolment just started: the secret to type in and the {@code otpauth://} URI for a QR code. */
    public record TotpEnrollment(String secret, String uri) {
        /** Leaves the secret out. */
        @Override
        public String toString() {
            return "TotpEnrollment[secret=(hidden)]";
        }
    }

    private final Store store;
    private final UserRecords users;
    private final PasswordPolicy policy;
    private final PasswordWork hasher;
    private final InstantSource clock;
    private final boolean requireTotp;
    private final Object adminLock = new Object();

    /** Accounts where a second factor is optional. */
    public Accounts(Store store, PasswordPolicy policy, PasswordHasher hasher, InstantSource clock) {
        this(store, policy, hasher, clock, false);
    }

    /**
     * Accounts; with {@code requireTotp} every user must enrol a second factor, and a login of a user who has
     * none answers {@link LoginCheck#enrolmentRequired()}.
     */
    public Accounts(Store store, PasswordPolicy policy, PasswordHasher hasher, InstantSource clock,
            boolean requireTotp) {
        this(store, policy, PasswordWork.of(hasher), clock, requireTotp);
    }

    Accounts(Store store, PasswordPolicy policy, PasswordWork hasher, InstantSource clock, boolean requireTotp) {
        this.store = requireNonNull(store, "store");
        this.users = new UserRecords(store);
        this.policy = requireNonNull(policy, "policy");
        this.hasher = requireNonNull(hasher, "hasher");
        this.clock = requireNonNull(clock, "clock");
        this.requireTotp = requireTotp;
    }

    /** Whether every user must have a second factor. */
    public boolean requireTotp() {
        return requireTotp;
    }

    /** True once any user exists (until then the gateway offers first-run setup). */
    public boolean anyUser() {
        return !store.list(UserRecords.PREFIX, "", 1).isEmpty();
    }

    /**
     * Creates a user.
     *
     * @throws AccountException field {@code name} (bad name: {@link AccountException.Kind#INVALID}; taken:
     *     {@link AccountException.Kind#CONFLICT}) or {@code password} (refused by the policy)
     */
    public User create(String name, String password, Role role) {
        checkName(name);
        requireNonNull(role, "role");
        if (store.get(UserRecords.key(name)).isPresent()) {
            throw conflict(name);
        }
        String hash = hasher.hash(acceptable(name, password));
        var now = clock.instant();
        User user = new User(name, role, hash, null, false, Long.MIN_VALUE, null, List.of(), now, null, now);
        if (store.compareAndSet(UserRecords.key(name), 0, StoredJson.write(user)).isEmpty()) {
            throw conflict(name);
        }
        return user;
    }

    /**
     * Checks a new user's name and password as {@link #create} would, without creating anything; for a caller
     * that must spend something single-use (the setup token) only on a request that will succeed.
     *
     * @throws AccountException as {@link #create} does
     */
    public void checkNew(String name, String password) {
        checkName(name);
        acceptable(name, password);
    }

    /** The user named {@code name} (any case), if there is one. */
    public Optional<User> find(String name) {
        if (!UserRecords.validName(name)) {
            return Optional.empty();
        }
        return store.get(UserRecords.key(name)).map(e -> StoredJson.read(e, User.class));
    }

    /** Every user, by lower-cased name. */
    public List<User> list() {
        List<User> users = new ArrayList<>();
        for (Store.Entry e : store.list(UserRecords.PREFIX)) {
            users.add(StoredJson.read(e, User.class));
        }
        return users;
    }

    /**
     * Deletes a user; the caller then ends its sessions and revokes its tokens.
     *
     * @throws AccountException {@code NOT_FOUND}, or {@code REFUSED} for the last admin
     */
    public void delete(String name) {
        synchronized (adminLock) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Store.Entry entry = users.entry(name);
                User user = StoredJson.read(entry, User.class);
                if (user.role() == Role.ADMIN && list().stream().filter(u -> u.role() == Role.ADMIN).count() <= 1) {
                    throw AccountException.refused("name", name + " is the last admin; make another admin first");
                }
                if (store.compareAndDelete(entry.key(), entry.modRevision())) {
                    return;
                }
            }
            throw new Store.StoreException("users/" + name + " keeps changing; gave up deleting it", null);
        }
    }

    /**
     * Changes a password after checking the current one.
     *
     * @throws AccountException field {@code current} when it is wrong, {@code password} when the new one is
     *     refused by the policy
     */
    public void changePassword(String name, String current, String next) {
        User user = find(name).orElseThrow(() -> AccountException.notFound(name));
        if (!hasher.verify(current == null ? "" : current, user.passwordHash())) {
            throw AccountException.invalid("current", "the current password is not right");
        }
        setPassword(name, next);
    }

    /** Sets a password without the current one (an admin's reset, or the offline CLI). */
    public void setPassword(String name, String next) {
        User user = find(name).orElseThrow(() -> AccountException.notFound(name));
        String hash = hasher.hash(acceptable(user.name(), next));
        users.mutate(name, u -> u.withPassword(hash, clock.instant()));
    }

    /**
     * Checks a password at login. For an unknown (or malformed) name it does the same Argon2id work as for a
     * wrong password, so the time taken does not tell whether the name exists. A right password stored with
     * weaker parameters than today's is hashed again and stored.
     */
    public LoginCheck checkPassword(String name, String password) {
        String pw = password == null ? "" : password;
        Optional<Store.Entry> entry = UserRecords.validName(name)
                ? store.get(UserRecords.key(name)) : Optional.empty();
        if (entry.isEmpty()) {
            hasher.verifyDummy(pw);
            return LoginCheck.FAILED;
        }
        User user = StoredJson.read(entry.get(), User.class);
        if (!hasher.verify(pw, user.passwordHash())) {
            return LoginCheck.FAILED;
        }
        if (hasher.needsRehash(user.passwordHash())) {
            // Best effort: when the record changed meanwhile, the next login tries again.
            store.compareAndSet(entry.get().key(), entry.get().modRevision(),
                    StoredJson.write(user.withRehash(hasher.hash(pw))));
        }
        return new LoginCheck(true, user.view(), user.totpEnabled(), requireTotp && !user.totpEnabled());
    }

    /**
     * Starts TOTP enrolment: a new secret, kept as pending until {@link #confirmTotp} sees a code from it.
     *
     * @throws AccountException {@code REFUSED} when TOTP is already enabled (disable it first, with a code)
     */
    public TotpEnrollment startTotp(String name) {
        String secret = Totp.newSecret();
        User user = users.mutate(name, u -> {
            if (u.totpEnabled()) {
                throw AccountException.refused("totp", "a second factor is already enabled; disable it first");
            }
            return u.withPendingTotp(secret);
        }).orElseThrow();
        return new TotpEnrollment(secret, Totp.uri(ISSUER, user.name(), secret));
    }

    /**
     * Confirms enrolment with a code from the new secret; returns 10 recovery codes, in clear, to show once
     * (only their hashes are kept).
     *
     * @throws AccountException field {@code code} when no enrolment was started or the code does not match
     */
    public List<String> confirmTotp(String name, String code) {
        List<String> codes = RecoveryCodes.generate();
        List<String> hashes = codes.stream().map(RecoveryCodes::hash).toList();
        users.mutate(name, u -> {
            if (u.pendingTotpSecret() == null) {
                throw AccountException.invalid("code", "no enrolment was started");
            }
            OptionalLong step = Totp.match(u.pendingTotpSecret(), code, clock.instant(), Long.MIN_VALUE);
            if (step.isEmpty()) {
                throw AccountException.invalid("code", "the code does not match; is the device's clock right?");
            }
            return u.withTotp(u.pendingTotpSecret(), true, step.getAsLong(), hashes);
        });
        return codes;
    }

    /** True when {@code code} is a TOTP code of this user not used before; it is then used up. */
    public boolean verifyTotp(String name, String code) {
        return consume(name, u -> u.usingTotp(code, clock.instant()));
    }

    /** True when {@code code} is one of this user's unused recovery codes; it is then used up. */
    public boolean useRecoveryCode(String name, String code) {
        return consume(name, u -> u.usingRecoveryCode(code));
    }

    /**
     * Turns the second factor off; {@code code} is a current TOTP code or an unused recovery code.
     *
     * @throws AccountException field {@code code} when it matches neither, or TOTP is not enabled
     */
    public void disableTotp(String name, String code) {
        users.mutate(name, u -> {
            if (!u.totpEnabled()) {
                throw AccountException.invalid("code", "no second factor is enabled");
            }
            if (u.usingTotp(code, clock.instant()) == null && u.usingRecoveryCode(code) == null) {
                throw AccountException.invalid("code", "the code does not match");
            }
            return u.withTotp(null, false, Long.MIN_VALUE, List.of());
        });
    }

    /**
     * Replaces the recovery codes with 10 new ones (returned in clear, shown once); needs a TOTP code.
     *
     * @throws AccountException field {@code code} when it does not match or TOTP is not enabled
     */
    public List<String> regenerateRecoveryCodes(String name, String code) {
        List<String> codes = RecoveryCodes.generate();
        List<String> hashes = codes.stream().map(RecoveryCodes::hash).toList();
        users.mutate(name, u -> {
            User used = u.usingTotp(code, clock.instant());
            if (used == null) {
                throw AccountException.invalid("code", "the code does not match");
            }
            return used.withRecoveryHashes(hashes);
        });
        return codes;
    }

    /** Notes a completed login (both factors) at the current time. */
    public void recordLogin(String name) {
        users.mutate(name, u -> u.withLastLogin(clock.instant()));
    }

    /** Applies {@code use} to the user; false when it changed nothing or there is no such user (any more). */
    private boolean consume(String name, UnaryOperator<User> use) {
        try {
            return UserRecords.validName(name) && users.mutate(name, use).isPresent();
        } catch (AccountException e) {
            if (e.kind() == AccountException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private String acceptable(String name, String password) {
        if (password == null) {
            throw AccountException.invalid("password", "a password is needed");
        }
        PasswordPolicy.Verdict verdict = policy.check(name, password);
        if (!verdict.acceptable()) {
            throw new AccountException(AccountException.Kind.INVALID, "password", verdict.problems(), verdict.advice());
        }
        return password;
    }

    private static void checkName(String name) {
        if (!UserRecords.validName(name)) {
            throw AccountException.invalid("name", "name: " + name
                    + " (expected: 1-64 characters of letters, digits, '.', '_', '@' and '-')");
        }
    }

    private static AccountException conflict(String name) {
        return new AccountException(AccountException.Kind.CONFLICT, "name",
                List.of("a user named " + name + " exists (names are compared without case)"), List.of());
    }
}
