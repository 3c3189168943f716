package dev.kv.admin.traffic;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** {@code GET /api/traffic}: requests per second, p50/p99 per operation, errors and repair work since the last call. */
@RestController
class TrafficController {

    private final TrafficSampler sampler;

    TrafficController(TrafficSampler sampler) {
        this.sampler = sampler;
    }

    @GetMapping("/api/traffic")
    Map<String, Object> traffic() {
        return sampler.sample();
    }
}
