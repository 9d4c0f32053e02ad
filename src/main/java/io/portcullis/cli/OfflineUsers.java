package io.portcullis.cli;

import io.portcullis.admin.auth.AccountException;
import io.portcullis.admin.auth.Accounts;
import io.portcullis.admin.auth.AuditLog;
import io.portcullis.admin.auth.PasswordHasher;
import io.portcullis.admin.auth.PasswordPolicy;
import io.portcullis.admin.auth.Role;
import io.portcullis.admin.auth.User;
import io.portcullis.store.SqliteStore;
import io.portcullis.store.Store;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds a user straight to the store in the data directory while no gateway runs: the way to make the first
 * admin on a host without a browser, or to get back in when every admin has lost their password. The same
 * rules apply as through the API (password policy, Argon2id hash), and the audit log records it.
 */
final class OfflineUsers {

    private OfflineUsers() {}

    /** Creates {@code name}; the exception says what to do when a gateway holds the store. */
    static User add(Path dataDir, String name, String password, Role role) {
        String actor = "local:" + System.getProperty("user.name", "?");
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            Accounts accounts = new Accounts(store, PasswordPolicy.standard(), PasswordHasher.standard(), InstantSource.system());
            AuditLog audit = new AuditLog(store, InstantSource.system());
            try {
                User user = accounts.create(name, password, role);
                audit.record(actor, "user.create", user.name(), "command line (offline)", true, Map.of("note", "role " + role.json()));
                return user;
            } catch (AccountException e) {
                audit.record(actor, "user.create", name, "command line (offline)", false, Map.of("note", e.kind().name().toLowerCase()));
                throw new Main.UserException(refusal(e));
            }
        } catch (Store.StoreException e) {
            if (String.valueOf(e.getMessage()).contains("another Portcullis has this store open")) {
                throw new Main.UserException("a running gateway holds the store in " + dataDir + ", so the user cannot be "
                        + "added offline. Add it through the admin API instead: 'portcullis user add " + name + "' with an "
                        + "admin token (--token, PORTCULLIS_TOKEN or the client config); if no user exists yet, use the "
                        + "setup link the gateway printed at start, or stop the gateway and run this again.");
            }
            throw new Main.UserException(e.getMessage());
        }
    }

    /** "password: too short\n  advice..." from the account rules. */
    static String refusal(AccountException e) {
        List<String> lines = new ArrayList<>();
        lines.add(e.field() + ": " + String.join("; ", e.problems()));
        e.advice().forEach(a -> lines.add("  " + a));
        return String.join("\n", lines);
    }
}
