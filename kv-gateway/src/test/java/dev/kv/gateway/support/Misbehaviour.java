package dev.kv.gateway.support;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.kv.core.record.Record;

import java.time.Duration;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/** The ways a replica fails a call, as WireMock answers. Each must count as one failed replica, nothing worse. */
public enum Misbehaviour {

    /** Answers correctly, but far later than the gateway's replica timeout. */
    SLOW,
    /** Answers 500 with a problem body. */
    HTTP_500,
    /** Answers 200 with bytes that do not decode to a record. */
    GARBAGE,
    /** Resets the connection instead of answering. */
    CONNECTION_RESET,
    /** Closes the connection without sending anything. */
    EMPTY_RESPONSE;

    /** How late a slow replica answers: well above the gateway's replica timeout in the tests. */
    public static final Duration SLOW_DELAY = Duration.ofMillis(2000);

    /** The answer to a call whose correct answer would be {@code correct} ({@code null}: a bodiless 204). */
    public ResponseDefinitionBuilder answer(Record correct) {
        return switch (this) {
            case SLOW -> (correct == null ? FakeReplicas.merged() : FakeReplicas.recordAnswer(correct))
                    .withFixedDelay((int) SLOW_DELAY.toMillis());
            case HTTP_500 -> FakeReplicas.problem(500, "storage failure: disk on fire");
            case GARBAGE -> aResponse().withStatus(200).withHeader("Content-Type", FakeReplicas.OCTET_STREAM)
                    .withBody(garbage(ordinal()));
            case CONNECTION_RESET -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            case EMPTY_RESPONSE -> aResponse().withFault(Fault.EMPTY_RESPONSE);
        };
    }

    /**
     * The same misbehaviour, but only after {@code lag} (a slow replica is late anyway). Lets a test order the
     * answers: the gateway decides a quorum as soon as it can no longer be reached, so its counts depend on which
     * answers came first.
     */
    public ResponseDefinitionBuilder answerAfter(Duration lag, Record correct) {
        return this == SLOW ? answer(correct) : answer(correct).withFixedDelay((int) lag.toMillis());
    }

    /**
     * Random bytes that start with the record format byte, so decoding gets past the first check and fails deeper
     * (a length that runs past the end, a bad index or trailing bytes).
     */
    static byte[] garbage(long seed) {
        byte[] bytes = new byte[257];
        new Random(seed).nextBytes(bytes);
        bytes[0] = 1;
        return bytes;
    }
}
