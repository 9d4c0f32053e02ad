/**
 * The admin plane. Today: the local control socket that the CLI's {@code status} and {@code reload} use.
 * The REST API, accounts and dashboard will live here too; the cryptographic pieces of accounts (password
 * policy, Argon2id hashes, TOTP, recovery codes) are in {@link io.portcullis.admin.auth}.
 *
 * <p>Starting points: {@link io.portcullis.admin.ControlServer}, {@link io.portcullis.admin.ControlClient}.
 */
package io.portcullis.admin;
