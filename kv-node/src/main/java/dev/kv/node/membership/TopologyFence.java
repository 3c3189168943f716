package dev.kv.node.membership;

import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.placement.Fence;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.placement.TopologyVersion;
import dev.kv.node.gossip.GossipService;
import dev.kv.web.ProblemWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fences data requests routed with another topology than this node's (issue 12, DESIGN §4 departures): a gateway
 * stamps every replica read, merge and coordinate with its topology version ({@link Headers#TOPOLOGY}), and
 * nodes stamp their own calls.
 *
 * <ul>
 *   <li>Older than this node's: 409 {@code stale-topology}, with this node's topology, which the gateway adopts
 *       before it plans the request again. A transfer starts only after its sources adopted the change, so a source
 *       refuses every write routed without it from then on: no write acknowledged by the old rule alone can land
 *       on a source after the transfer read it.</li>
 *   <li>Newer: 409 {@code topology-behind}; nothing is applied (the node might be about to clear a range the newer
 *       topology gives it), and gossip brings the node up to date within a round.</li>
 * </ul>
 * Node-to-node data (hint delivery, anti-entropy) is stamped and fenced the same way: a node that restarted on an old
 * data directory cannot push old records before it has learned the ring moved on. Requests without the header
 * (tools, tests) are not fenced.
 */
@Component
public class TopologyFence extends OncePerRequestFilter {

    /** Why a request was not let through: the problem to answer with. */
    public record Refusal(int status, String kind, String title, String detail, Map<String, Object> extensions) {
    }

    private static final ProblemWriter PROBLEMS = ProblemWriter.typed("urn:kv:problem:");

    private final TopologyService topologies;
    private final GossipService gossip;
    private final InstantSource clock;
    private final AtomicLong lastCatchUp = new AtomicLong();
    private final Counter stale;
    private final Counter behind;

    TopologyFence(TopologyService topologies, GossipService gossip, InstantSource clock, MeterRegistry registry) {
        this.topologies = topologies;
        this.gossip = gossip;
        this.clock = clock;
        this.stale = Counter.builder("kv.membership.fenced").tag("reason", "stale")
                .description("data requests refused because they were routed with another topology").register(registry);
        this.behind = Counter.builder("kv.membership.fenced").tag("reason", "behind")
                .description("data requests refused because they were routed with another topology").register(registry);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath();
        return request.getHeader(Headers.TOPOLOGY) == null
                || !(path.equals(InternalPaths.REPLICA) || path.equals(InternalPaths.COORDINATE)
                || path.startsWith(InternalPaths.MERKLE_PREFIX));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Refusal refusal = check(request.getHeader(Headers.TOPOLOGY));
        if (refusal != null) {
            PROBLEMS.write(response, refusal.status(), refusal.kind(), refusal.title(), refusal.detail(),
                    refusal.extensions());
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether a data request routed with {@code routedWith} (the header's text; null: not stamped) may be applied
     * here: null if so, else the refusal. Batched calls ({@code ReplicaBatchValve}) are fenced one by one with it.
     */
    public Refusal check(String routedWith) {
        if (routedWith == null) {
            return null;
        }
        Optional<Topology> own = topologies.current();
        Fence verdict;
        try {
            verdict = Fence.of(own.orElse(null), routedWith);
        } catch (IllegalArgumentException e) {
            return new Refusal(400, "invalid-request", "Bad Request", e.getMessage(), Map.of());
        }
        if (verdict == Fence.STALE) {
            stale.increment();
            return new Refusal(409, TopologyVersion.STALE, "Stale topology",
                    "routed with topology " + routedWith + "; this node holds " + own.get().version(),
                    Map.of("topology", TopologyMessage.of(own.get())));
        }
        if (verdict == Fence.BEHIND) {
            behind.increment();
            long now = clock.millis();
            long last = lastCatchUp.get();
            if (now - last > 200 && lastCatchUp.compareAndSet(last, now)) {
                gossip.catchUp();
            }
            return new Refusal(409, TopologyVersion.BEHIND, "Topology behind",
                    "routed with topology " + routedWith + "; this node holds "
                            + own.map(t -> t.version().toString()).orElse("none yet") + " and catches up by gossip",
                    Map.of());
        }
        return null;
    }
}
