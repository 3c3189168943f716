package dev.kv.admin.repair;

import dev.kv.admin.upstream.Upstream;
import dev.kv.core.contract.InternalPaths;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Anti-entropy for the page: every node's exchanges and repair progress, and a button to start a repair. */
@RestController
class RepairController {

    private final Upstream upstream;

    RepairController(Upstream upstream) {
        this.upstream = upstream;
    }

    @GetMapping(value = "/api/repair", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> status() {
        return upstream.gatewayAdmin(HttpMethod.GET, InternalPaths.ADMIN_REPAIR).relay();
    }

    @PostMapping(value = "/api/repair", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> start() {
        return upstream.gatewayAdmin(HttpMethod.POST, InternalPaths.ADMIN_REPAIR).relay();
    }
}
