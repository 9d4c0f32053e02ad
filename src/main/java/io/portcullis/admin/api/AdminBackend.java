package io.portcullis.admin.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the API asks of the rest of the gateway: the forwarding engine's state, the forwards kept in the
 * store, the guard's bans and the host's ports. The composition root implements it, so the admin plane
 * knows no other capability's insides. Methods throw {@link ApiException} for anything the caller got wrong.
 */
public interface AdminBackend {

    /** The gateway's state, as {@code portcullis status} shows it. */
    Map<String, Object> status();

    /** Per-forward counters for the live view: {@code name, open, total, bytesIn, bytesOut, refused}. */
    List<Map<String, Object>> counters();

    /** Every forward, from the file and from the API, in the order they run. */
    List<ForwardView> forwards();

    Optional<ForwardView> forward(String name);

    /** Checks the spec against the running config and starts the forward. */
    ForwardView createForward(Map<String, Object> spec, String actor);

    /** Replaces an API forward when its version is still {@code expectedVersion} (null: any). */
    ForwardView updateForward(String name, Long expectedVersion, Map<String, Object> spec, String actor);

    void deleteForward(String name, Long expectedVersion, String actor);

    ForwardView setEnabled(String name, boolean enabled, String actor);

    List<?> connections(Optional<String> forward);

    boolean closeConnection(long id);

    List<?> bans();

    Object ban(String network, String duration, String reason);

    List<?> lift(String network);

    List<?> ports();

    /** Prometheus text exposition of the gateway's metrics. */
    String metrics();

    /** Why {@code source} is banned from the gateway, or null when it is not. */
    String banned(String source);

    /** A failed login from {@code source}: counts toward the guard's automatic bans. */
    void loginOffence(String source);

    /**
     * A forward as the API shows it.
     *
     * @param source {@code file} (read-only here) or {@code api}
     * @param version changes on every update; the ETag
     * @param spec the forward as written, with the keys of the config file
     * @param status its live state, or null when it does not run
     * @param error why an API forward does not run (it conflicts with the file since the file changed), or null
     */
    record ForwardView(String name, String source, boolean enabled, long version, Map<String, Object> spec, Object status,
                       String error) {}
}
