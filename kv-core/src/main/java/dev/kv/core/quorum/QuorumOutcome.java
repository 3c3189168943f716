package dev.kv.core.quorum;

import java.util.List;

/** The result of waiting for a quorum, with the numbers an operator needs when it failed (as Cassandra reports). */
public sealed interface QuorumOutcome {

    /** Enough replicas answered. */
    record Reached(int answered, int needed) implements QuorumOutcome {
    }

    /** Too few replicas answered in time; {@code failures} says what happened to the others. */
    record Insufficient(int answered, int needed, int contacted, List<String> failures) implements QuorumOutcome {

        public String describe(String operation) {
            StringBuilder text = new StringBuilder()
                    .append(operation).append(" quorum not reached: ").append(answered).append(" of ").append(needed)
                    .append(" required replicas answered (").append(contacted).append(" contacted)");
            if (!failures.isEmpty()) {
                text.append("; ").append(String.join(", ", failures));
            }
            return text.toString();
        }
    }
}
