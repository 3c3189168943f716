package dev.kv.gateway;

import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway setting out of its range stops the gateway at start, and the report names the property and the range.
 * Every {@code @ConfigurationProperties} record of the gateway is bound here, alone, as the gateway binds them.
 */
class SettingsValidationTest {

    private static final String SEEDS = "kv.gateway.seeds=127.0.0.1:1";

    @ConfigurationPropertiesScan(basePackageClasses = GatewayApplication.class)
    static class GatewaySettings {
    }

    @Test
    void theDefaultsAreValid() {
        StartFailures.assertStarts(GatewaySettings.class, SEEDS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kv.gateway.replication-factor=0                   | must be greater than or equal to 1
            kv.gateway.virtual-nodes=0                        | must be greater than or equal to 1
            kv.gateway.speculative-read=-1ms                  | must be longer than or equal to 0
            kv.gateway.view-refresh=0s                        | must be longer than or equal to 1
            kv.gateway.batching.max-calls=0                   | must be greater than or equal to 1
            kv.gateway.rate-limit.per-client=-1               | must be greater than or equal to 0
            kv.gateway.rate-limit.clients-max=0               | must be greater than or equal to 1
            kv.gateway.resilience.failure-rate-threshold=0    | must be greater than 0
            kv.gateway.resilience.slow-call-rate-threshold=101 | must be less than or equal to 100
            kv.gateway.resilience.open-wait=0s                | must be longer than or equal to 1
            kv.gateway.resilience.max-concurrent-calls=0      | must be greater than or equal to 1
            """)
    void aValueOutOfRangeIsReportedWithItsProperty(String setting, String reason) {
        String property = setting.substring(0, setting.indexOf('='));
        assertThat(StartFailures.report(GatewaySettings.class, SEEDS, setting))
                .contains("Origin: \"" + property + "\"").contains("Reason: " + reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kv.gateway.conflict-mode=newest        | kv.gateway.conflict-mode: unknown conflict mode 'newest'
            kv.gateway.default-consistency=firm    | kv.gateway.default-consistency: unknown consistency 'firm'
            kv.gateway.read-fanout=some            | kv.gateway.read-fanout must be quorum or all
            kv.gateway.coordinate-deadline=0ms     | kv.gateway.coordinate-deadline must be positive
            kv.gateway.auth.enabled=true           | kv.gateway.auth.enabled=true needs at least one client
            """)
    void aValueThatContradictsAnotherIsReportedWithItsProperty(String setting, String reason) {
        assertThat(StartFailures.report(GatewaySettings.class, SEEDS, setting)).contains(reason);
    }
}
