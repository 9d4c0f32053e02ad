package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    private final AccountFixtures.Clock clock = new AccountFixtures.Clock();
    private final MemoryStore store = AccountFixtures.store(clock);
    private final ApiTokens tokens = new ApiTokens(store, clock);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createsASecretShownOnceAndStoredHashed() throws Exception {
        ApiTokens.Created created = tokens.create("alice", "prometheus", Scope.READ);
        Token token = created.token();
        assertThat(created.secret()).matches("pct_" + token.id() + "_[A-Za-z0-9_-]{43}");
        assertThat(token).extracting(Token::name, Token::scope, Token::user, Token::createdAt, Token::lastUsed)
                .containsExactly("prometheus", Scope.READ, "alice", AccountFixtures.START, null);
        String stored = store.get("tokens/" + token.id()).orElseThrow().text();
        assertThat(stored).doesNotContain(created.secret()).contains(Secrets.sha256Hex(created.secret()));
        String json = StoredJson.MAPPER.writeValueAsString(token);
        assertThat(json).contains("\"scope\":\"read\"").doesNotContain("hash");
        assertThat(created.toString()).doesNotContain(created.secret());
    }

    @Test
    void verifiesOnlyTheExactSecret() {
        ApiTokens.Created created = tokens.create("alice", "ci", Scope.ADMIN);
        assertThat(tokens.verify(created.secret())).map(Token::id).contains(created.token().id());
        String secret = created.secret();
        char last = secret.charAt(secret.length() - 1);
        String tampered = secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(tokens.verify(tampered)).isEmpty();
        assertThat(tokens.verify("pct_0123456789abcdef_" + secret.substring(secret.length() - 43))).isEmpty();
        assertThat(tokens.verify("Bearer " + secret)).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
    }

    @Test
    void notesLastUseAtMostOnceAMinute() {
        ApiTokens.Created created = tokens.create("alice", "ci", Scope.ADMIN);
        clock.advance(Duration.ofSeconds(5));
        assertThat(tokens.verify(created.secret()).orElseThrow().lastUsed()).isEqualTo(clock.instant());
        long revision = store.revision();
        clock.advance(Duration.ofSeconds(50));
        tokens.verify(created.secret());
        assertThat(store.revision()).isEqualTo(revision);
        clock.advance(Duration.ofSeconds(10));
        assertThat(tokens.verify(created.secret()).orElseThrow().lastUsed()).isEqualTo(clock.instant());
        assertThat(tokens.list()).singleElement().extracting(Token::lastUsed).isEqualTo(clock.instant());
    }

    @Test
    void revokesOneOrAllOfAUser() {
        ApiTokens.Created a1 = tokens.create("alice", "one", Scope.READ);
        ApiTokens.Created a2 = tokens.create("alice", "two", Scope.ADMIN);
        ApiTokens.Created b = tokens.create("bob", "three", Scope.READ);
        assertThat(tokens.list()).hasSize(3);
        assertThat(tokens.listFor("ALICE")).extracting(Token::name).containsExactlyInAnyOrder("one", "two");
        assertThat(tokens.revoke(a1.token().id())).isTrue();
        assertThat(tokens.revoke(a1.token().id())).isFalse();
        assertThat(tokens.revoke("../users/alice")).isFalse();
        assertThat(tokens.verify(a1.secret())).isEmpty();
        assertThat(tokens.revokeAll("alice")).isEqualTo(1);
        assertThat(tokens.verify(a2.secret())).isEmpty();
        assertThat(tokens.verify(b.secret())).isPresent();
        assertThat(tokens.find(b.token().id())).isPresent();
    }

    @Test
    void refusesBadNamesAndScopes() {
        assertThatThrownBy(() -> tokens.create("alice", " ", Scope.READ))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> Scope.of("write"))
                .isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo("scope"));
        assertThat(Scope.of("ADMIN")).isEqualTo(Scope.ADMIN);
    }
}
