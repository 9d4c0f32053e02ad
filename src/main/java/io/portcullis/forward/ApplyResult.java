package io.portcullis.forward;

import java.util.List;

/**
 * What applying a configuration did, forward by forward.
 *
 * @param started forwards that were not running and now listen
 * @param changed forwards whose rules changed (open connections kept)
 * @param stopped forwards that were removed or disabled (open connections kept until they end)
 * @param unchanged forwards left exactly as they were
 * @param bindFailures one line per socket that could not be bound, with the reason in words
 * @param notes settings that need a restart to change, and similar remarks
 */
public record ApplyResult(List<String> started, List<String> changed, List<String> stopped, List<String> unchanged,
        List<String> bindFailures, List<String> notes) {

    public ApplyResult {
        started = List.copyOf(started);
        changed = List.copyOf(changed);
        stopped = List.copyOf(stopped);
        unchanged = List.copyOf(unchanged);
        bindFailures = List.copyOf(bindFailures);
        notes = List.copyOf(notes);
    }

    /** One line for a log or a CLI. */
    public String summary() {
        return "started " + started + ", changed " + changed + ", stopped " + stopped + ", unchanged "
                + unchanged.size() + (bindFailures.isEmpty() ? "" : ", " + bindFailures.size() + " bind failure(s)");
    }
}
