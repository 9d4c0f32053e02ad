package io.portcullis.guard;

import java.util.Map;

/**
 * The guard at a glance, for {@code portcullis status}.
 *
 * @param activeBans bans in force now
 * @param bansIssued automatic bans since start
 * @param offenders addresses with offences inside the find-time window
 * @param spa where the SPA listener is (or why it is not), null when SPA is not configured
 * @param spaPackets SPA packets by outcome: accepted, bad-hmac, replay, stale, ...
 * @param spaOpen address/forward pairs an SPA packet has opened right now
 */
public record GuardStatus(int activeBans, long bansIssued, int offenders, String spa, Map<String, Long> spaPackets, int spaOpen) {

    public GuardStatus {
        spaPackets = Map.copyOf(spaPackets);
    }
}
