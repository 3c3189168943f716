package dev.kv.core.quorum;

import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read-repair plan: the merge of the replicas' answers, and the replicas whose answer is not that merge and so
 * must be sent it. An absent key is answered as {@link Record#EMPTY}.
 */
public record ReadResolution(Record resolved, List<String> staleReplicas) {

    public static ReadResolution resolve(Versioning versioning, Map<String, Record> answers) {
        Record resolved = Record.EMPTY;
        for (Record answer : answers.values()) {
            resolved = versioning.merge(resolved, answer);
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Record> answer : answers.entrySet()) {
            if (!answer.getValue().sameVersionAs(resolved)) {
                stale.add(answer.getKey());
            }
        }
        return new ReadResolution(resolved, List.copyOf(stale));
    }

    /** Whether {@code answer} from a late replica needs the resolved record. */
    public boolean isStale(Record answer) {
        return !answer.sameVersionAs(resolved);
    }
}
