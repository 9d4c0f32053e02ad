/**
 * The guard in front of every forward: access rules, per-source limits, automatic and manual bans, and
 * single-packet authorization (fwknop).
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.portcullis.guard.Guard}: the one decision per new connection ({@code admit}), in memory,
 *       and the thread that does everything slow (store writes, expiry).
 *   <li>{@link io.portcullis.guard.BanList}: the bans the data plane reads, and the history that makes
 *       repeat bans longer.
 *   <li>{@link io.portcullis.guard.BanStore}: how those bans reach the store ({@code bans/active/...},
 *       {@code bans/history/...}) and follow other writers' changes to it.
 * </ul>
 */
package io.portcullis.guard;
