package io.portcullis.admin.auth;

import static io.portcullis.admin.auth.AccountFixtures.STRONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole account flow on the real embedded store, across a restart. */
class AccountsOnSqliteTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();

    @TempDir
    Path dir;

    @Test
    void everythingSurvivesARestart() {
        String session;
        String token;
        String cookie;
        TotpTestCodes.Enrolled enrolled;
        try (SqliteStore store = SqliteStore.open(dir, clock)) {
            FirstRun firstRun = new FirstRun(store, clock);
            assertThat(firstRun.redeem(firstRun.issueSetupToken())).isTrue();
            Accounts accounts = new Accounts(store, PasswordPolicy.standard(), AccountFixtures.fastHasher(), clock);
            accounts.create("alice", STRONG, Role.ADMIN);
            enrolled = TotpTestCodes.enrol(accounts, clock, "alice");
            Sessions sessions = new Sessions(store, clock);
            String half = sessions.create("alice", "192.0.2.7", true).token();
            session = sessions.promote(half).orElseThrow().token();
            token = new ApiTokens(store, clock).create("alice", "ci", Scope.READ).secret();
            cookie = new DeviceCookies(store, clock).issue("alice");
            new AuditLog(store, clock).record("alice", "login", "alice", "192.0.2.7", true, Map.of("via", "test"));
        }
        clock.advance(Duration.ofSeconds(30));
        try (SqliteStore store = SqliteStore.open(dir, clock)) {
            Accounts accounts = new Accounts(store, PasswordPolicy.standard(), AccountFixtures.fastHasher(), clock);
            assertThat(accounts.checkPassword("alice", STRONG))
                    .extracting(Accounts.LoginCheck::ok, Accounts.LoginCheck::secondFactorRequired)
                    .containsExactly(true, true);
            assertThat(accounts.verifyTotp("alice", TotpTestCodes.code(enrolled.secret(), clock))).isTrue();
            assertThat(accounts.useRecoveryCode("alice", enrolled.recoveryCodes().get(0))).isTrue();
            assertThat(accounts.useRecoveryCode("alice", enrolled.recoveryCodes().get(0))).isFalse();
            assertThat(new Sessions(store, clock).find(session)).isPresent();
            assertThat(new ApiTokens(store, clock).verify(token)).isPresent();
            assertThat(new DeviceCookies(store, clock).isValidFor(cookie, "alice")).isTrue();
            assertThat(new AuditLog(store, clock).query(AuditLog.Filter.ALL, null, 10).entries())
                    .singleElement().extracting(AuditLog.Entry::action).isEqualTo("login");
            assertThat(new FirstRun(store, clock).needed()).isFalse();
        }
    }
}
