package io.portcullis;

import org.slf4j.LoggerFactory;

/** SIGHUP, the conventional "re-read your config" signal of Unix daemons. */
final class Signals {

    private Signals() {}

    @SuppressWarnings("restriction")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig ->
                    Thread.ofPlatform().daemon().name("portcullis-sighup").start(action));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LoggerFactory.getLogger(Signals.class).warn("SIGHUP cannot be handled here ({}); use 'portcullis reload'", e.getMessage());
        }
    }
}
