package dev.kv.gateway.api;

import dev.kv.gateway.support.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code openapi.yaml} at the repository root is the contract (DESIGN §2): the document the gateway serves at
 * {@code /v3/api-docs} must be equal to it in meaning — the same paths, operations, parameters, response codes and
 * schemas. Adding an endpoint, a parameter or a response without updating the contract fails here. Descriptions,
 * ordering and formatting are free. Every run writes the served document as YAML to
 * {@code target/openapi-served.yaml}, to compare with or copy from when this test fails.
 */
class OpenApiContractTest extends GatewayTest {

    /** Surefire runs in the module directory; the contract sits at the repository root. */
    private static final Path CONTRACT = Path.of("..", "openapi.yaml");
    private static final Path SERVED_COPY = Path.of("target", "openapi-served.yaml");
    private static final String AGAINST = "%s served at /v3/api-docs (actual) against openapi.yaml (expected);"
            + " the served document is in target/openapi-served.yaml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
            "trace");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER, YAMLWriteFeature.SPLIT_LINES)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES).build();

    private JsonNode served;
    private JsonNode contract;

    @BeforeEach
    void loadBothDocuments() throws IOException {
        HttpResponse<byte[]> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        served = json(response);
        Files.createDirectories(SERVED_COPY.getParent());
        Files.writeString(SERVED_COPY, YAML.writeValueAsString(served));
        assertThat(CONTRACT).as("the contract openapi.yaml at the repository root").isRegularFile();
        contract = YAML.readTree(CONTRACT.toFile());
    }

    @Test
    void bothAreOpenApi31() {
        assertThat(contract.path("openapi").asString()).startsWith("3.1");
        assertThat(served.path("openapi").asString()).startsWith("3.1");
    }

    @Test
    void theSamePaths() {
        assertThat(paths(served)).as(AGAINST, "paths")
                .isEqualTo(paths(contract));
    }

    @Test
    void theSameOperationsPerPath() {
        assertThat(summarise(served, (document, operation) -> operation.path("operationId").asString()))
                .as(AGAINST, "operation ids").isEqualTo(
                        summarise(contract, (document, operation) -> operation.path("operationId").asString()));
    }

    @Test
    void theSameParametersPerOperation() {
        assertThat(summarise(served, OpenApiContractTest::parameters)).as(AGAINST, "parameters")
                .isEqualTo(summarise(contract, OpenApiContractTest::parameters));
    }

    @Test
    void theSameResponseCodesPerOperation() {
        assertThat(summarise(served, OpenApiContractTest::responseCodes)).as(AGAINST, "response codes")
                .isEqualTo(summarise(contract, OpenApiContractTest::responseCodes));
    }

    @Test
    void theSameSchemasWithTheSameProperties() {
        assertThat(schemas(served)).as(AGAINST, "component schemas and their properties").isEqualTo(schemas(contract));
    }

    @Test
    void theKeyRouteIsDocumentedAsAPathParameter() {
        JsonNode get = contract.path("paths").path("/v1/kv/{key}").path("get");
        assertThat(parameters(contract, get)).contains("path key required");
    }

    @Test
    void swaggerUiIsServed() {
        for (String path : List.of("/swagger-ui.html", "/swagger-ui/index.html")) {
            HttpResponse<byte[]> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(header(response, "Content-Type")).as(path).startsWith("text/html");
            assertThat(text(response)).containsIgnoringCase("swagger");
        }
    }

    // ---- what "equal in meaning" compares

    private interface Aspect {
        Object of(JsonNode document, JsonNode operation);
    }

    private static Set<String> paths(JsonNode document) {
        return new TreeSet<>(document.path("paths").propertyNames());
    }

    /** {@code "GET /v1/kv/{key}"} → the aspect of that operation, for every operation of the document. */
    private static Map<String, Object> summarise(JsonNode document, Aspect aspect) {
        Map<String, Object> summary = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (METHODS.contains(operation.getKey())) {
                    summary.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                            aspect.of(document, withPathParameters(path.getValue(), operation.getValue())));
                }
            }
        }
        return summary;
    }

    /** Parameters declared on the path item apply to each of its operations unless the operation redeclares them. */
    private static JsonNode withPathParameters(JsonNode pathItem, JsonNode operation) {
        if (!pathItem.has("parameters")) {
            return operation;
        }
        var merged = operation.deepCopy();
        var parameters = JSON.createArrayNode();
        operation.path("parameters").forEach(parameters::add);
        pathItem.path("parameters").forEach(parameters::add);
        ((tools.jackson.databind.node.ObjectNode) merged).set("parameters", parameters);
        return merged;
    }

    /** Each parameter as {@code "in name required|optional"}, references resolved. */
    private static Set<String> parameters(JsonNode document, JsonNode operation) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (JsonNode parameter : operation.path("parameters")) {
            JsonNode resolved = resolve(document, parameter);
            String key = resolved.path("in").asString() + " " + resolved.path("name").asString();
            byKey.putIfAbsent(key, key + (resolved.path("required").asBoolean(false) ? " required" : " optional"));
        }
        return new TreeSet<>(byKey.values());
    }

    private static Set<String> responseCodes(JsonNode document, JsonNode operation) {
        return new TreeSet<>(operation.path("responses").propertyNames());
    }

    /** Schema name → its property names. */
    private static Map<String, Set<String>> schemas(JsonNode document) {
        Map<String, Set<String>> schemas = new TreeMap<>();
        for (Map.Entry<String, JsonNode> schema : document.path("components").path("schemas").properties()) {
            schemas.put(schema.getKey(), new TreeSet<>(schema.getValue().path("properties").propertyNames()));
        }
        return schemas;
    }

    private static JsonNode resolve(JsonNode document, JsonNode node) {
        String reference = node.path("$ref").asString("");
        if (!reference.startsWith("#/")) {
            return node;
        }
        JsonNode target = document.at(reference.substring(1));
        assertThat(target.isMissingNode()).as("reference %s resolves", reference).isFalse();
        return target;
    }
}
