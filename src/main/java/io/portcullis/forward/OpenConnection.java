package io.portcullis.forward;

import java.time.Instant;

/**
 * One open forwarded TCP connection as an admin sees it: who, through which forward, to which target,
 * since when and how much has moved.
 *
 * @param target the target address, or null while it is still being connected
 */
public record OpenConnection(long id, String forward, String client, String target, Instant openedAt, long bytesIn,
                             long bytesOut) {}
