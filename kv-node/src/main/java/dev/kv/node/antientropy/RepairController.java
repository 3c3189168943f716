package dev.kv.node.antientropy;

import dev.kv.core.contract.InternalPaths;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Operator control of anti-entropy on this node (protected by the cluster secret like the internal API).
 *
 * <pre>
 * POST /admin/v1/repair[?range=R]  start exchanging every range (or R) with every live replica now → 202 progress
 * GET  /admin/v1/repair            ranges, the last exchange per range and peer, the running repair's progress
 * </pre>
 */
@RestController
class RepairController {

    private final AntiEntropyService service;

    RepairController(AntiEntropyService service) {
        this.service = service;
    }

    /**
     * The repair state of this node.
     *
     * @param ranges    each range this node replicates, with its replicas and its tree's root
     * @param exchanges the last exchange of each (range, peer) pair
     * @param repair    the last repair started on demand, with its progress
     */
    record RepairStatus(List<MerkleTrees.RangeTree> ranges, List<ExchangeResult> exchanges,
                        AntiEntropyService.RepairProgress repair) {
    }

    @PostMapping(InternalPaths.ADMIN_REPAIR)
    ResponseEntity<?> start(@RequestParam(required = false) String range) {
        if (range != null && service.ranges().stream().noneMatch(r -> r.range().equals(range))) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "this node does not replicate range '"
                            + range + "'; GET /admin/v1/repair lists its ranges"));
        }
        return ResponseEntity.accepted().body(service.startRepair(range));
    }

    @GetMapping(InternalPaths.ADMIN_REPAIR)
    RepairStatus status() {
        return new RepairStatus(service.ranges(), service.results(), service.repair());
    }
}
