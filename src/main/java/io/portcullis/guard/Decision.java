package io.portcullis.guard;

/**
 * The guard's answer for one new connection or UDP session.
 *
 * @param refusal null when admitted; else rule, limit, ban or spa
 * @param detail the refusal in words, for the connection log
 * @param slot the per-client limit slot to give back when the connection ends, or null
 */
public record Decision(String refusal, String detail, SourceLimiter.Slot slot) {

    /** Admitted, nothing to give back. */
    public static final Decision ADMIT = new Decision(null, "", null);

    public boolean admitted() {
        return refusal == null;
    }

    /** Ends an admitted connection or session: frees its per-client place. */
    public void release() {
        if (slot != null) {
            slot.release();
        }
    }
}
