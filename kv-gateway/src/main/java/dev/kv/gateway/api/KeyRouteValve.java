package dev.kv.gateway.api;

import dev.kv.web.runtime.SystemSources;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves {@code GET}, {@code PUT} and {@code DELETE} on the key route inside Tomcat, ahead of the servlet filter chain
 * and Spring MVC (issue 13): the public data path of the gateway, where the framework's per-request work (filter chain,
 * handler mapping, argument and return value handling, exception resolution) cost more than the quorum itself. The
 * answers are the ones Spring MVC gives: the same {@link KvController} handlers, the same checks of the raw path
 * ({@link KeyPath}) and the same headers as {@link KeyPathFilter}, failures mapped by {@link KeyRouteFailures}, timed
 * by {@link KeyRequestTimers}. Every other request, including other methods on the key route, goes on to Spring.
 *
 * <p>Nothing here widens the public surface: the valve decides on the raw request URI, and what it serves can only
 * reach the three key handlers, never another route, whatever the path's spelling.
 */
final class KeyRouteValve extends ValveBase {

    private static final Logger log = LoggerFactory.getLogger(KeyRouteValve.class);

    private final Supplier<KvController> controller;
    private final KeyRouteFailures failures;
    private final KeyRequestTimers timers;
    private final JsonMapper json;

    KeyRouteValve(Supplier<KvController> controller, KeyRouteFailures failures, KeyRequestTimers timers,
                  JsonMapper json) {
        super(true);
        this.controller = controller;
        this.failures = failures;
        this.timers = timers;
        this.json = json;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String method = request.getMethod();
        boolean served = method.equals("GET") || method.equals("PUT") || method.equals("DELETE");
        if (!served || !KeyPath.isKeyRoute(request.getRequestURI())) {
            getNext().invoke(request, response);
            return;
        }
        long start = SystemSources.monotonicNanos();
        try {
            serve(method, request, response);
        } finally {
            timers.record(request, response.getStatus(), SystemSources.monotonicNanos() - start);
        }
    }

    private void serve(String method, Request request, Response response) throws IOException {
        KeyPathFilter.protectValue(response);
        ResponseEntity<?> answer;
        try {
            request.setAttribute(KeyPathFilter.KEY_ATTRIBUTE, KeyPath.parse(request.getRequestURI()));
            KvController handlers = controller.get();
            answer = switch (method) {
                case "GET" -> handlers.get(request, response);
                case "PUT" -> handlers.put(request, response);
                default -> handlers.delete(request, response);
            };
        } catch (Exception failure) {
            if (response.isCommitted()) {
                // Part of the answer is on the wire already (the client went away while it was written).
                log.debug("key request failed after its answer began", failure);
                return;
            }
            // A body Tomcat could not read (a broken chunk) is flagged, and the response suspended, for Tomcat's own
            // error page; the API promises a problem instead, sent at once since Tomcat then closes the connection.
            boolean flaggedByTomcat = response.isError();
            response.reset();
            if (flaggedByTomcat) {
                response.resetError();
                response.setSuspended(false);
                request.removeAttribute(RequestDispatcher.ERROR_EXCEPTION);
            }
            KeyPathFilter.protectValue(response);
            write(failures.answer(failure), response);
            if (flaggedByTomcat) {
                response.flushBuffer();
            }
            return;
        }
        if (answer != null) {
            write(answer, response);
        }
    }

    /** An answer the handlers leave to Spring MVC (siblings, the JSON envelope) or a problem, as Spring writes it. */
    private void write(ResponseEntity<?> answer, Response response) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        Object body = answer.getBody();
        if (body == null) {
            return;
        }
        byte[] bytes = json.writeValueAsBytes(body instanceof ProblemDetail problem ? members(problem) : body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** A problem's members, its properties beside the standard ones (as Spring's Jackson mix-in lays them out). */
    private static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        members.put("detail", problem.getDetail());
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }
}
