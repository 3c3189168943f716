package dev.kv.admin.traffic;

import dev.kv.admin.upstream.Upstream;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.Liveness;
import dev.kv.web.runtime.SystemSources;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Live traffic from the services' metrics: each call scrapes the gateway's (and the nodes' hint counters) and turns the
 * difference from the previous scrape into rates per second and, from the request-latency histogram's buckets, p50
 * and p99 per operation over that interval.
 */
@Component
class TrafficSampler {

    private static final List<String> OPERATIONS = List.of("get", "put", "delete");
    private static final Set<String> NOT_ERRORS = Set.of("ok", "siblings", "not_found");

    /** Cumulative counters at one moment. */
    record Snapshot(long atMillis, Map<String, Double> counts, Map<String, TreeMap<Double, Double>> buckets,
                    Map<String, Double> errors, double quorumFailures, double readRepairs, double hintsStored,
                    double hintsDelivered) {
    }

    private final Upstream upstream;
    private final InstantSource clock;
    private Snapshot previous;

    TrafficSampler(Upstream upstream) {
        this.upstream = upstream;
        this.clock = SystemSources.wallClock();
    }

    synchronized Map<String, Object> sample() {
        Snapshot now = scrape();
        Snapshot before = previous == null ? now : previous;
        previous = now;
        double seconds = (now.atMillis() - before.atMillis()) / 1000.0;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("at", now.atMillis());
        result.put("intervalSeconds", seconds);
        List<Map<String, Object>> operations = new ArrayList<>();
        for (String op : OPERATIONS) {
            double requests = now.counts().getOrDefault(op, 0.0) - before.counts().getOrDefault(op, 0.0);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", op);
            row.put("rate", rate(requests, seconds));
            TreeMap<Double, Double> delta = delta(now.buckets().get(op), before.buckets().get(op));
            row.put("p50Ms", percentileMillis(delta, requests, 0.50));
            row.put("p99Ms", percentileMillis(delta, requests, 0.99));
            operations.add(row);
        }
        result.put("operations", operations);
        List<Map<String, Object>> errors = new ArrayList<>();
        now.errors().forEach((kind, count) -> {
            double rate = rate(count - before.errors().getOrDefault(kind, 0.0), seconds);
            if (rate > 0) {
                errors.add(Map.of("kind", kind, "rate", rate));
            }
        });
        result.put("errors", errors);
        result.put("quorumFailures", rate(now.quorumFailures() - before.quorumFailures(), seconds));
        result.put("readRepairs", rate(now.readRepairs() - before.readRepairs(), seconds));
        result.put("hintsStored", rate(now.hintsStored() - before.hintsStored(), seconds));
        result.put("hintsDelivered", rate(now.hintsDelivered() - before.hintsDelivered(), seconds));
        return result;
    }

    private Snapshot scrape() {
        String text = new String(upstream.gatewayAdmin(HttpMethod.GET, InternalPaths.ADMIN_METRICS).body(),
                StandardCharsets.UTF_8);
        Map<String, Double> counts = new HashMap<>();
        Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
        Map<String, Double> errors = new TreeMap<>();
        double quorumFailures = 0;
        double readRepairs = 0;
        double hintsStored = 0;
        for (PrometheusText.Sample sample : PrometheusText.parse(text, "kv_")) {
            switch (sample.name()) {
                case "kv_requests_seconds_count" -> {
                    counts.merge(sample.label("op"), sample.value(), Double::sum);
                    if (!NOT_ERRORS.contains(sample.label("outcome"))) {
                        errors.merge(sample.label("outcome"), sample.value(), Double::sum);
                    }
                }
                case "kv_requests_seconds_bucket" -> buckets.computeIfAbsent(sample.label("op"), k -> new TreeMap<>())
                        .merge(bound(sample.label("le")), sample.value(), Double::sum);
                case "kv_quorum_failures_total" -> quorumFailures += sample.value();
                case "kv_read_repairs_total" -> readRepairs += sample.value();
                case "kv_hints_sent_total" -> hintsStored += sample.value();
                default -> {
                }
            }
        }
        return new Snapshot(clock.millis(), counts, buckets, errors, quorumFailures, readRepairs, hintsStored,
                hintsDelivered());
    }

    /** Hints delivered by every live node (its own counter; a node that cannot be read adds nothing this time). */
    private double hintsDelivered() {
        double delivered = 0;
        try {
            JsonNode cluster = upstream.clusterView().json();
            for (JsonNode member : cluster.path("members")) {
                // The gateway's "status" of a member is its liveness, as gossip judges it.
                if (Liveness.DOWN.wireName().equals(member.path("status").asString(""))) {
                    continue;
                }
                String text = new String(upstream.node(URI.create(member.path("url").asString()),
                        InternalPaths.METRICS).body(), StandardCharsets.UTF_8);
                for (PrometheusText.Sample sample : PrometheusText.parse(text, "kv_hints_delivered")) {
                    delivered += sample.value();
                }
            }
        } catch (RuntimeException e) {
            // Rates from the gateway still stand; hint deliveries show as none for this interval.
        }
        return delivered;
    }

    private static double bound(String le) {
        return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static TreeMap<Double, Double> delta(TreeMap<Double, Double> now, TreeMap<Double, Double> before) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        if (now != null) {
            now.forEach((le, count) -> delta.put(le, count - (before == null ? 0 : before.getOrDefault(le, 0.0))));
        }
        return delta;
    }

    /** The upper bound (ms) of the first bucket holding the quantile; {@code null} without requests. */
    static Double percentileMillis(TreeMap<Double, Double> cumulative, double total, double quantile) {
        if (total <= 0 || cumulative.isEmpty()) {
            return null;
        }
        double wanted = quantile * total;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey().isInfinite() ? null : bucket.getKey() * 1000;
            }
        }
        return null;
    }

    private static double rate(double delta, double seconds) {
        return seconds <= 0 ? 0 : Math.max(0, delta) / seconds;
    }
}
