package io.portcullis.admin.api;

import io.portcullis.admin.auth.Accounts;
import io.portcullis.admin.auth.ApiTokens;
import io.portcullis.admin.auth.AuditLog;
import io.portcullis.admin.auth.DeviceCookies;
import io.portcullis.admin.auth.FirstRun;
import io.portcullis.admin.auth.LoginThrottle;
import io.portcullis.admin.auth.Sessions;
import java.util.Objects;

/** The account state the API works with, made once by the composition root over one store. */
public record AdminServices(Accounts accounts, Sessions sessions, ApiTokens tokens, AuditLog audit, LoginThrottle throttle,
                            DeviceCookies devices, FirstRun firstRun) {
    public AdminServices {
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(devices, "devices");
        Objects.requireNonNull(firstRun, "firstRun");
    }
}
