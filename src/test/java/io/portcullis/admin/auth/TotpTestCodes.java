package io.portcullis.admin.auth;

import java.time.InstantSource;
import java.util.List;

/** Enrols a user in TOTP the way an authenticator app would, for the account tests. */
final class TotpTestCodes {

    record Enrolled(String secret, List<String> recoveryCodes) {}

    private TotpTestCodes() {}

    static String code(String secret, InstantSource clock) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }

    static Enrolled enrol(Accounts accounts, InstantSource clock, String name) {
        Accounts.TotpEnrollment started = accounts.startTotp(name);
        List<String> codes = accounts.confirmTotp(name, code(started.secret(), clock));
        return new Enrolled(started.secret(), codes);
    }
}
