/**
 * The {@code portcullis} command line: the daemon ({@code run}), the port tools ({@code ports}, {@code check},
 * {@code free}), the commands that talk to a running gateway over its local control socket ({@code status},
 * {@code reload}, {@code bans}, {@code backup}, {@code restore}), and those that use its admin REST API over HTTPS
 * from anywhere ({@code forward}, {@code user}, {@code token}, {@code status --api}).
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.portcullis.cli.Main}: every command is registered there, and errors become one line of words.
 *   <li>{@link io.portcullis.cli.ApiClient}: the admin API client; {@link io.portcullis.cli.ClientSettings} says
 *       where the URL, token and fingerprint come from, {@link io.portcullis.cli.PinnedTrust} how the
 *       self-signed certificate is trusted, {@link io.portcullis.cli.ApiErrors} what each error answer means.
 *   <li>{@link io.portcullis.cli.ForwardCommand}: a typical API command, with a table by default and
 *       {@code --json} for scripts.
 * </ul>
 */
package io.portcullis.cli;
