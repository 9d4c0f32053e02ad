/**
 * The gateway's state made at run time: forwards created through the API, bans, users, sessions, tokens,
 * the audit log. Capabilities reach it only through {@link io.portcullis.store.Store}, a key-value contract
 * with revisions, watches, leases and compare-and-set, shaped like etcd's so that a distributed store can
 * back it later without touching them. The embedded implementation is SQLite in WAL mode.
 *
 * <p>The data plane never calls the store per connection or per packet: capabilities keep their own
 * in-memory view and follow changes with {@link io.portcullis.store.Store#watch}.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.portcullis.store.Store} — the contract: what a revision, a watch and a lease promise.
 *   <li>{@link io.portcullis.store.SqliteStore} — the embedded store: {@code <data-dir>/portcullis.db},
 *       durable on return, with {@code backup} and the static {@code restore}. Its SQL lives in
 *       {@code SqliteTables}, its schema steps in {@code Migrations}, its file handling in
 *       {@code SqliteFiles}.
 *   <li>{@link io.portcullis.store.MemoryStore} — the same semantics in memory, for tests of other packages
 *       and dry runs. {@code StoreContractTest} holds both implementations to one behaviour.
 * </ul>
 *
 * <p>Both implementations deliver watch events through {@code WatchHub} (one daemon thread per store) and
 * apply the key rules of {@code Keys}: keys sort by code point, so prefix matching is exact for any
 * character. Every change is one revision; deleting a prefix of N keys, or ending a lease with N keys,
 * makes N revisions.
 */
package io.portcullis.store;
