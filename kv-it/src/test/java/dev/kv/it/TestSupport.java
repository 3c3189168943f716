package dev.kv.it;

import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Small helpers shared by the scenarios: unique keys, status checks that print the whole reply, replica values. */
final class TestSupport {

    private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TestSupport() {
    }

    /** A key no other test (or earlier run against the same cluster) uses. */
    static String uniqueKey(String prefix) {
        return "it/" + prefix + "/" + RUN + "-" + SEQUENCE.incrementAndGet();
    }

    static Reply expectStatus(Reply reply, int status) {
        assertThat(reply.status()).as(reply::toString).isEqualTo(status);
        return reply;
    }

    /** An RFC 9457 problem of the given status. */
    static Reply expectProblem(Reply reply, int status) {
        expectStatus(reply, status);
        assertThat(reply.isProblem()).as("problem+json content type: %s", reply).isTrue();
        assertThat(reply.json().get("status").asInt()).as(reply::toString).isEqualTo(status);
        assertThat(reply.json().path("detail").asString()).as(reply::toString).isNotBlank();
        return reply;
    }

    /** The values a read of this replica's record would show now (neither deleted nor expired), as text. */
    static List<String> liveValues(Record record) {
        return record.liveSiblings(System.currentTimeMillis()).stream()
                .map(s -> new String(s.value(), StandardCharsets.UTF_8)).toList();
    }

    static List<String> allValues(Record record) {
        return record.siblings().stream().filter(s -> !s.tombstone())
                .map(s -> new String(s.value(), StandardCharsets.UTF_8)).toList();
    }

    static Sibling onlySibling(Record record) {
        assertThat(record.siblings()).as("siblings of %s", record).hasSize(1);
        return record.siblings().getFirst();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
