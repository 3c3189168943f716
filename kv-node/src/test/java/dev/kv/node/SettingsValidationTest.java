package dev.kv.node;

import dev.kv.node.membership.RingProperties;
import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node setting out of its range stops the node at start, and the report names the property and the range. Every
 * {@code @ConfigurationProperties} record of the node is bound here, alone, as the node binds them.
 */
class SettingsValidationTest {

    private static final String ID = "kv.node.id=n1";

    @ConfigurationPropertiesScan(basePackageClasses = NodeApplication.class)
    static class NodeSettings {
    }

    @Test
    void theDefaultsAreValid() {
        StartFailures.assertStarts(NodeSettings.class, ID);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kv.ring.virtual-nodes=0              | kv.ring.virtual-nodes         | must be greater than or equal to 1
            kv.ring.replication-factor=8         | kv.ring.replication-factor    | must be less than or equal to 7
            kv.gossip.interval=-1s               | kv.gossip.interval            | must be longer than or equal to 1
            kv.gossip.phi-threshold=0            | kv.gossip.phi-threshold       | must be greater than 0
            kv.hints.delivery-rate=0             | kv.hints.delivery-rate        | must be greater than or equal to 1
            kv.hints.max-storage=-1B             | kv.hints.max-storage          | must be at least 0B
            kv.antientropy.depth=6               | kv.antientropy.depth          | must be less than or equal to 5
            kv.antientropy.rate=0B               | kv.antientropy.rate           | must be at least 1B
            kv.expiry.sweep-batch=0              | kv.expiry.sweep-batch         | must be greater than or equal to 1
            kv.expiry.tombstone-grace=-1s        | kv.expiry.tombstone-grace     | must be longer than or equal to 0
            kv.membership.drive-interval=0s      | kv.membership.drive-interval  | must be longer than or equal to 1
            kv.streaming.chunk=0B                | kv.streaming.chunk            | must be at least 1B
            kv.streaming.sources=some            | kv.streaming.sources          | must be quorum or all
            kv.node.id=a/b                       | kv.node.id                    | node ids are 1-64 of [A-Za-z0-9._-]
            """)
    void aValueOutOfRangeIsReportedWithItsProperty(String setting, String property, String reason) {
        assertThat(StartFailures.report(NodeSettings.class, ID, setting))
                .contains("Origin: \"" + property + "\"").contains("Reason: " + reason);
    }

    @Test
    void anUnknownConflictModeIsReportedWithItsProperty() {
        assertThat(StartFailures.report(NodeSettings.class, ID, "kv.node.conflict-mode=newest"))
                .contains("kv.node.conflict-mode: unknown conflict mode 'newest' (expected vector-clock or lww)");
    }

    /** The Helm chart sets the ring's shape through environment variables, under these names. */
    @Test
    void theRingSettingsTheChartSetsBind() {
        Map<String, Object> environment = Map.of("KV_RING_REPLICATIONFACTOR", "5", "KV_RING_VIRTUALNODES", "64");
        new ApplicationContextRunner().withUserConfiguration(NodeSettings.class).withPropertyValues(ID)
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", environment)))
                .run(context -> assertThat(context.getBean(RingProperties.class))
                        .isEqualTo(new RingProperties(64, 5)));
    }
}
