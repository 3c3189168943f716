package dev.kv.admin;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.net.http.HttpClient;

/**
 * Serves the gateway's cluster view to the dashboard from the dashboard's own origin (no CORS needed). When the
 * gateway cannot be reached the page gets a 502 problem it can show, not a hang.
 */
@RestController
class ClusterProxyController {

    private final RestClient gateway;
    private final AdminProperties properties;

    ClusterProxyController(RestClient.Builder builder, AdminProperties properties) {
        this.properties = properties;
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(properties.timeout()).build());
        factory.setReadTimeout(properties.timeout());
        this.gateway = builder.baseUrl(properties.gatewayUrl().toString()).requestFactory(factory).build();
    }

    @GetMapping(value = "/api/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> cluster() {
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(gateway.get().uri("/v1/cluster").retrieve().body(String.class));
        } catch (RestClientException e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
                    "the gateway at " + properties.gatewayUrl() + " cannot be reached: " + e.getMessage());
            problem.setTitle("Gateway unreachable");
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
    }

    /** Where the dashboard links to (Swagger UI and metrics). */
    @GetMapping("/api/links")
    java.util.Map<String, String> links() {
        String base = properties.gatewayUrl().toString().replaceAll("/$", "");
        return java.util.Map.of("swaggerUi", base + "/swagger-ui.html", "gatewayMetrics",
                base + "/actuator/prometheus");
    }
}
