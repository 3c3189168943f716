package dev.kv.node.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.node.config.BodyLimits;
import dev.kv.node.membership.TopologyFence;
import dev.kv.web.ProblemWriter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Carries out a batch of replica calls ({@link ReplicaBatchCodec}) one after another and answers each exactly as its
 * per-call endpoint would: the same fence ({@link TopologyFence}), the same validation ({@link ReplicaCalls}) and the
 * same statuses and problems as {@link NodeErrorHandler}. One call's refusal or failure is its own answer; the others
 * go on.
 *
 * <p>In order, on the request's thread: the calls of one batch come from different client requests, each already
 * waiting, and a thread hand-off per call would cost more than the calls (a RocksDB read or write each).
 */
@Component
class ReplicaBatchHandler {

    private static final Logger log = LoggerFactory.getLogger(ReplicaBatchHandler.class);
    private static final ProblemWriter PROBLEMS = ProblemWriter.ABOUT_BLANK;
    /** As the fence filter types its refusals. */
    private static final ProblemWriter FENCE_PROBLEMS = ProblemWriter.typed("urn:kv:problem:");
    /** Typed as {@link NodeErrorHandler} types them ({@link ReplicaFailures#TYPE_PREFIX}). */
    private static final ProblemWriter TYPED_PROBLEMS = ProblemWriter.typed(ReplicaFailures.TYPE_PREFIX);
    private static final byte[] NOTHING = new byte[0];

    private final ReplicaCalls calls;
    private final TopologyFence fence;
    private final int payloadBytesMax;
    private final long bodyBytesMax;
    private final Timer batches;
    private final DistributionSummary batchSizes;
    private final ReplicaFailures failures;
    /** Its clock times the batches (a monotonic one), so the handler reads no clock of its own. */
    private final MeterRegistry registry;

    ReplicaBatchHandler(ReplicaCalls calls, TopologyFence fence, BodyLimits limits, ReplicaFailures failures,
                        MeterRegistry registry) {
        this.calls = calls;
        this.fence = fence;
        this.payloadBytesMax = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(limits.recordBytesMax(),
                limits.valueBytesMax()));
        this.bodyBytesMax = limits.batchBytesMax();
        this.batches = Timer.builder("kv.node.batches").description("batches of replica calls served")
                .register(registry);
        this.batchSizes = DistributionSummary.builder("kv.node.batch.calls")
                .description("replica calls per batch served").register(registry);
        this.failures = failures;
        this.registry = registry;
    }

    /** The largest batch body this node reads (larger ones are refused 413 before they are read). */
    long bodyBytesMax() {
        return bodyBytesMax;
    }

    /**
     * The encoded answers to an encoded batch.
     *
     * @throws CorruptDataException if {@code body} is not a batch (the whole request is the caller's fault)
     */
    byte[] handle(byte[] body) {
        Timer.Sample sample = Timer.start(registry);
        List<ReplicaBatchCodec.Op> ops = ReplicaBatchCodec.decodeRequest(body, payloadBytesMax);
        List<ReplicaBatchCodec.Result> results = new ArrayList<>(ops.size());
        for (ReplicaBatchCodec.Op op : ops) {
            results.add(answer(op));
        }
        byte[] encoded = ReplicaBatchCodec.encodeResponse(results);
        batchSizes.record(ops.size());
        sample.stop(batches);
        return encoded;
    }

    private ReplicaBatchCodec.Result answer(ReplicaBatchCodec.Op op) {
        TopologyFence.Refusal refusal = fence.check(op.topology());
        if (refusal != null) {
            return new ReplicaBatchCodec.Result(refusal.status(), FENCE_PROBLEMS.bytes(refusal.status(),
                    refusal.kind(), refusal.title(), refusal.detail(), refusal.extensions()));
        }
        try {
            return switch (op) {
                case ReplicaBatchCodec.Read read -> {
                    byte[] record = calls.read(read.key());
                    yield record == null ? new ReplicaBatchCodec.Result(404, NOTHING)
                            : new ReplicaBatchCodec.Result(200, record);
                }
                case ReplicaBatchCodec.Merge merge -> {
                    calls.merge(merge.key(), merge.record());
                    yield new ReplicaBatchCodec.Result(204, NOTHING);
                }
                case ReplicaBatchCodec.Coordinate write -> new ReplicaBatchCodec.Result(200, calls.coordinate(write));
            };
        } catch (RuntimeException e) {
            ReplicaFailures.Problem problem = failures.problem(e);
            if (problem == null) {
                log.error("replica call failed", e);
                return new ReplicaBatchCodec.Result(500, PROBLEMS.bytes(500, "", "Internal Server Error",
                        "the call failed on the node; see its log", Map.of()));
            }
            ProblemWriter writer = problem.kind() == null ? PROBLEMS : TYPED_PROBLEMS;
            return new ReplicaBatchCodec.Result(problem.status(), writer.bytes(problem.status(),
                    problem.kind() == null ? "" : problem.kind(), problem.title(), problem.detail(), Map.of()));
        }
    }
}
