package dev.kv.gateway.api;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Versions;
import dev.kv.web.limits.BodyBudgetValve;
import dev.kv.web.testsupport.RawHttp;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key route's data path is served by {@link KeyRouteValve} ahead of Spring (the other tests check what it
 * answers, and the {@code ...ThroughSpringTest}s that Spring answers alike); the methods it does not serve still reach
 * Spring MVC.
 */
class KeyRouteValveTest extends GatewayTest {

    @Autowired
    private WebServerApplicationContext context;

    @Test
    void theValveServesRightAfterTheBodyBudgetAndOnlyOnce() {
        Context root = (Context) ((TomcatWebServer) context.getWebServer()).getTomcat().getHost().findChildren()[0];
        List<Class<?>> valves = Arrays.stream(root.getPipeline().getValves()).<Class<?>>map(Object::getClass).toList();

        assertThat(valves).startsWith(BodyBudgetValve.class, KeyRouteValve.class)
                .containsOnlyOnce(KeyRouteValve.class, BodyBudgetValve.class);
    }

    /** HEAD is Spring MVC's (it answers it with the GET handler, without a body), with the value's protection. */
    @Test
    void aHeadRequestOnAKeyGoesOnToSpringMvc() {
        String key = uniqueKey("head");
        Record stored = Versions.put(Record.EMPTY, "hello", "n1:1");
        replicas.stubReadEverywhere(key, stored);

        HttpResponse<byte[]> response = send("HEAD", "/v1/kv/" + key, HttpRequest.BodyPublishers.noBody());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(stored));
        assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");
    }

    /**
     * A body that breaks off mid-chunk is the client's malformed request: a 400 problem, nothing stored. (Tomcat
     * flags such a request for its own error page; the valve answers it as a problem instead.)
     */
    @Test
    void aMalformedChunkedBodyIs400AndNoReplicaIsCalled() {
        String key = uniqueKey("badchunk");

        RawHttp.Response response = RawHttp.send(port, "PUT", "/v1/kv/" + key, "Transfer-Encoding: chunked",
                "5\r\nhello\r\nzz\r\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(assertProblem(response, 400).path("detail").asString()).contains("body could not be read");
        assertThat(replicas.callsFor(key::equals)).isEmpty();
    }

    @Test
    void aPostOnAKeyIsRefusedByMethodWithAProblem() {
        HttpResponse<byte[]> response = send("POST", "/v1/kv/" + uniqueKey("post"),
                HttpRequest.BodyPublishers.ofString("x"));

        assertProblem(response, 405);
        assertThat(header(response, "Allow")).contains("GET").contains("PUT").contains("DELETE");
    }
}
