/**
 * Admin accounts and everything that proves who is asking: users with Argon2id password hashes and the
 * password policy, the TOTP second factor and recovery codes, sessions, API tokens, the login throttle,
 * device cookies, first-run setup and the audit log. State lives in the {@link io.portcullis.store.Store}
 * as JSON, changed by compare-and-set; time comes from an injected clock. Nothing here knows HTTP: the
 * API in {@link io.portcullis.admin.api} calls these.
 *
 * <p>Starting points: {@link io.portcullis.admin.auth.Accounts} (users, passwords, second factor),
 * {@link io.portcullis.admin.auth.Sessions}, {@link io.portcullis.admin.auth.LoginThrottle},
 * {@link io.portcullis.admin.auth.PasswordPolicy}.
 */
package io.portcullis.admin.auth;
