/**
 * The cryptographic pieces of admin accounts: password rules and hashes, the TOTP second factor, recovery
 * codes, and the small primitives they share. Nothing here stores anything or reads the clock; the accounts
 * code calls these with what it stored and the time it was given.
 *
 * <p>Starting points: {@link io.portcullis.admin.auth.PasswordPolicy} (is this new password good enough, and
 * if not, why), {@link io.portcullis.admin.auth.PasswordHasher} (Argon2id), {@link io.portcullis.admin.auth.Totp}.
 */
package io.portcullis.admin.auth;
