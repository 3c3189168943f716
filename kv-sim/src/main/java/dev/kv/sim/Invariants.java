package dev.kv.sim;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.Dot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks made at every disk write of every node: no dot is ever given to two different values (a wiped or restored
 * node reusing its counters, Riak's kv679), and a record stays within its bounds (siblings, clock entries).
 */
final class Invariants {

    /** Dots are per key: the same dot in two keys are two versions. */
    private final Map<String, Map<Dot, String>> valueOfDot = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Trace trace;

    Invariants(Trace trace) {
        this.trace = trace;
    }

    void written(String node, String key, Record record) {
        if (record == null) {
            return;
        }
        for (Sibling sibling : record.siblings()) {
            // Two versions of one client write (a re-attempt's twins) share the alias dot and may differ only in
            // their expiry: each coordinator counts the TTL from its own clock. They are one version, and the merge
            // keeps one of them deterministically; anything else under one dot is a reused dot.
            String fingerprint = sibling.writeId() + "/" + sibling.tombstone() + "/"
                    + (sibling.writeId() == 0 ? sibling.expiresAtMillis() : "") + "/"
                    + Arrays.hashCode(sibling.value());
            String before = valueOfDot.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(sibling.dot(),
                    fingerprint);
            if (before != null && !before.equals(fingerprint)) {
                violate("dot reused: " + sibling.dot() + " on " + node + " key " + key + " holds another value than"
                        + " it was first given to");
            }
        }
        if (record.siblings().size() > Limits.SIBLINGS_MAX) {
            violate("bounds: " + record.siblings().size() + " siblings on " + node + " key " + key);
        }
        if (record.clock().size() > Limits.CLOCK_ENTRIES_HARD_MAX) {
            violate("bounds: " + record.clock().size() + " clock entries on " + node + " key " + key);
        }
    }

    void violate(String violation) {
        if (violations.size() < 20) {
            violations.add(violation);
            trace.add("VIOLATION %s", violation);
        }
    }

    List<String> violations() {
        return violations;
    }
}
