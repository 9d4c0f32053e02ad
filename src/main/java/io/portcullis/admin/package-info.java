/**
 * The admin plane: how people and programs run a gateway. The local control socket (this package) serves
 * the CLI on the same host ({@code status}, {@code reload}, {@code bans}, {@code backup}, {@code restore});
 * {@link io.portcullis.admin.api} is the HTTPS REST API and the web dashboard's server;
 * {@link io.portcullis.admin.auth} holds accounts, passwords, second factors, sessions, tokens and the
 * audit log, all kept in the {@link io.portcullis.store.Store}.
 *
 * <p>Starting points: {@link io.portcullis.admin.ControlServer}, {@link io.portcullis.admin.api.AdminServer},
 * {@link io.portcullis.admin.auth.Accounts}.
 */
package io.portcullis.admin;
