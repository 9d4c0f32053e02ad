package io.portcullis.guard;

import io.portcullis.config.AccessPolicy;
import io.portcullis.config.AccessRule;
import io.portcullis.net.NetworkTable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The access rules of one forward, gateway-wide rules first, compiled for lookups whose cost does not grow
 * with the number of rules. Immutable; a reload builds a new one.
 */
final class AccessTable {

    private final List<AccessRule> rules;
    private final int globalCount;
    private final NetworkTable table = new NetworkTable();
    private final boolean defaultAllow;

    AccessTable(List<AccessRule> global, AccessPolicy own) {
        rules = new ArrayList<>(global.size() + own.rules().size());
        rules.addAll(global);
        rules.addAll(own.rules());
        globalCount = global.size();
        for (AccessRule r : rules) {
            table.add(r.network());
        }
        defaultAllow = own.defaultAllow();
    }

    /** The rule that decides for {@code address}, or null when none matches and the default applies. */
    AccessRule match(InetAddress address) {
        if (rules.isEmpty()) {
            return null;
        }
        int i = table.firstMatch(address);
        return i < 0 ? null : rules.get(i);
    }

    boolean defaultAllow() {
        return defaultAllow;
    }

    boolean isGlobal(AccessRule r) {
        int i = rules.indexOf(r);
        return i >= 0 && i < globalCount;
    }

    boolean isEmpty() {
        return rules.isEmpty() && defaultAllow;
    }
}
