package dev.kv.sim;

import java.util.List;
import java.util.Map;

/**
 * What one schedule did and found.
 *
 * @param simulatedMillis simulated time the schedule covered
 * @param events          events the loop ran (messages, timers)
 * @param trace           the trace lines to show when it failed (empty when it passed)
 */
record RunResult(SimConfig config, List<String> violations, long simulatedMillis, long events, long messages,
                 long ok, long failed, long unknown, Map<Faults.Kind, Integer> faults, long repairedKeys,
                 Checkers.Findings findings, List<String> trace) {

    boolean passed() {
        return violations.isEmpty();
    }
}
