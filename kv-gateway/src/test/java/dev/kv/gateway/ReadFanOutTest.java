package dev.kv.gateway;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Misbehaviour;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.util.List;

import static dev.kv.gateway.support.FakeReplicas.replicaRead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many replicas a read asks. With the default {@code quorum} fan-out (speculation off here, so that timing
 * cannot add a call) a read asks R replicas in preference order and one more for each that fails; with {@code all}
 * it asks every replica.
 */
class ReadFanOutTest {

    @Nested
    @TestPropertySource(properties = "kv.gateway.speculative-read=0")
    class QuorumFanOut extends GatewayTest {

        @Test
        void aStrongReadAsksTheFirstTwoReplicasOnly() {
            String key = uniqueKey("fanout-quorum");
            List<String> ids = replicas.preferenceList(key);
            replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "v", "n1:1"));

            assertThat(get("/v1/kv/" + key).statusCode()).isEqualTo(200);

            assertThat(replicas.requestsFor(ids.get(0), key::equals)).hasSize(1);
            assertThat(replicas.requestsFor(ids.get(1), key::equals)).hasSize(1);
            assertThat(replicas.requestsFor(ids.get(2), key::equals)).isEmpty();
        }

        @Test
        void aReplicaThatFailsIsReplacedByTheNextOne() {
            String key = uniqueKey("fanout-failing");
            List<String> ids = replicas.preferenceList(key);
            Record current = Versions.put(Record.EMPTY, "v", "n1:1");
            replicas.stubReadEverywhere(key, current);
            replicas.stub(ids.get(0), replicaRead(key), Misbehaviour.HTTP_500.answer(current));

            assertThat(text(get("/v1/kv/" + key))).isEqualTo("v");

            assertThat(replicas.requestsFor(ids.get(2), key::equals)).hasSize(1);
        }

        @Test
        void anEventualReadAsksOneReplica() {
            String key = uniqueKey("fanout-eventual");
            replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "v", "n1:1"));

            assertThat(get("/v1/kv/" + key + "?consistency=eventual").statusCode()).isEqualTo(200);

            assertThat(replicas.callsFor(key::equals)).hasSize(1);
        }
    }

    @Nested
    @TestPropertySource(properties = "kv.gateway.read-fanout=all")
    class AllFanOut extends GatewayTest {

        @Test
        void anEventualReadStillAsksEveryReplica() {
            String key = uniqueKey("fanout-all");
            replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "v", "n1:1"));

            assertThat(get("/v1/kv/" + key + "?consistency=eventual").statusCode()).isEqualTo(200);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(replicas.callsFor(key::equals)).hasSize(3));
        }
    }
}
