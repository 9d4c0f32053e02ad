/**
 * The gateway's state made at run time: forwards created through the API, bans, users, sessions, tokens,
 * the audit log. Capabilities reach it only through {@link io.portcullis.store.Store}, a key-value contract
 * with revisions, watches, leases and compare-and-set, shaped like etcd's so that a distributed store can
 * back it later without touching them. The embedded implementation is SQLite in WAL mode.
 *
 * <p>The data plane never calls the store per connection or per packet: capabilities keep their own
 * in-memory view and follow changes with {@link io.portcullis.store.Store#watch}.
 */
package io.portcullis.store;
