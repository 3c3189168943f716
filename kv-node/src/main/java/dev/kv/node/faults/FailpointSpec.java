package dev.kv.node.faults;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the armed failpoints from their configuration, a list of {@code name=action} entries such as
 * {@code replica-merge.after=crash, hint-store.before=error, merkle-push.before=delay:200ms}. Every name and action is
 * checked against the known ones, so a misspelt failpoint stops the node at start instead of silently never firing.
 */
final class FailpointSpec {

    private FailpointSpec() {
    }

    /**
     * The action armed at each named failpoint.
     *
     * @throws IllegalArgumentException naming the entry, if one is not {@code name=action}, names an unknown failpoint
     *                                  or action, or names a failpoint already armed
     */
    static Map<Failpoint, FailpointAction> parse(List<String> entries) {
        Map<Failpoint, FailpointAction> armed = new EnumMap<>(Failpoint.class);
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("'" + entry
                        + "' is not name=action (e.g. replica-merge.after=crash)");
            }
            Failpoint point = Failpoint.named(entry.substring(0, equals).strip());
            FailpointAction action;
            try {
                action = FailpointAction.parse(entry.substring(equals + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(point + ": " + e.getMessage());
            }
            if (armed.put(point, action) != null) {
                throw new IllegalArgumentException(point + " is armed twice");
            }
        }
        return Collections.unmodifiableMap(armed);
    }
}
