package io.portcullis.admin;

/**
 * What the local control socket can ask of a running gateway. The composition root implements it; the
 * admin package only carries requests and answers.
 */
public interface ControlActions {

    /** The gateway's current state, as a JSON-serialisable object. */
    Object status();

    /** Re-reads the config file and applies it; the answer says what changed or why it was refused. */
    Object reload();

    /**
     * Lists, adds or lifts bans.
     *
     * @param action list, add or lift
     * @param args network, duration and reason, as the client sent them
     */
    Object bans(String action, java.util.Map<String, String> args);

    /** Writes a consistent copy of the store to {@code file} while the gateway runs. */
    Object backup(String file);

    /** Replaces the store with the backup {@code file} and applies what it holds, without a restart. */
    Object restore(String file);
}
