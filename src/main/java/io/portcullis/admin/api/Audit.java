package io.portcullis.admin.api;

import io.portcullis.admin.auth.AuditLog;
import java.util.Map;

/** The API's one way into the audit log: a short note, never a secret, as the entry's detail. */
final class Audit {

    private Audit() {}

    static void record(AuditLog log, String actor, String action, String target, String source, boolean ok, String note) {
        log.record(actor, action, target, source, ok, note == null || note.isEmpty() ? Map.of() : Map.of("note", note));
    }
}
