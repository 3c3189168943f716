package dev.kv.gateway.quorum;

import dev.kv.core.coordination.ReadCoordination;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Record;
import dev.kv.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

/**
 * The read path (DESIGN §4), decided by kv-core's {@link ReadCoordination} and carried out by the
 * {@link CoordinationDriver}.
 *
 * <pre>
 * gateway ──read──▶ R replicas in parallel, usable ones first; one more for each that fails (read-fanout=quorum)
 *                   or all N at once (read-fanout=all)
 * after R answers: merge them; write the merge back to those of the R that differ, then answer (so a later quorum
 * read cannot see an older value: monotonic reads); replicas that answer later are compared and repaired in the
 * background
 * </pre>
 *
 * Asking only R saves N-R of every N replica calls (a third of a strong read's, two thirds of an eventual one's), the
 * cost that decides throughput here; replicas not asked are kept current by hints and anti-entropy instead.
 */
@Component
public class QuorumReader {

    private final ViewRouting view;
    private final CoordinationDriver driver;
    private final ReadCoordination.Settings settings;

    QuorumReader(ViewRouting view, CoordinationDriver driver, GatewayProperties properties) {
        this.view = view;
        this.driver = driver;
        this.settings = new ReadCoordination.Settings(properties.mode().versioning(),
                properties.replicaTimeout().plusMillis(250).toMillis(),
                properties.replicaTimeout().plusMillis(100).toMillis(),
                properties.readsAskEveryReplica(), properties.speculativeRead().toMillis());
    }

    /** The merge of R replicas' records for the key ({@link Record#EMPTY} when none has it). */
    public Record read(byte[] key, QuorumSpec spec) {
        return driver.run(new ReadCoordination(key, spec, view, settings), key, null, "read");
    }
}
