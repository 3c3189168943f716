package dev.kv.web;

import dev.kv.web.limits.LimitsProperties;
import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong kv.cluster or kv.limits setting stops a service at start, and the report names the property. */
class SettingsValidationTest {

    @EnableConfigurationProperties({ClusterProperties.class, LimitsProperties.class})
    static class Settings {
    }

    @Test
    void theDefaultsAreValid() {
        StartFailures.assertStarts(Settings.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kv.limits.body-budget=0B             | kv.limits.body-budget             | must be at least 1B
            kv.limits.largest-body=0B            | kv.limits.largest-body            | must be at least 1B
            kv.limits.body-wait=-1ms             | kv.limits.body-wait               | must be longer than or equal to 0
            kv.cluster.secret-reload-interval=0s | kv.cluster.secret-reload-interval | must be longer than or equal to 1
            """)
    void aValueOutOfRangeIsReportedWithItsProperty(String setting, String property, String reason) {
        assertThat(StartFailures.report(Settings.class, setting))
                .contains("Origin: \"" + property + "\"").contains("Reason: " + reason);
    }

    @Test
    void aSecretTogetherWithASecretFileIsRefusedNamingBothWithoutTheValue() {
        assertThat(StartFailures.report(Settings.class, "kv.cluster.secret=s3cret-value",
                "kv.cluster.secret-file=/run/secret"))
                .contains("set kv.cluster.secret or kv.cluster.secret-file, not both")
                .doesNotContain("s3cret-value");
    }

    @Test
    void theSecretValueIsNotInTheSettingsText() {
        ClusterProperties cluster = new ClusterProperties("s3cret-value", "", Duration.ofSeconds(1),
                new ClusterProperties.Tls("", List.of()), "");
        assertThat(cluster.toString()).doesNotContain("s3cret-value").contains("secret=(set)");
    }

    /** The Helm chart and the ./kv script set these settings through environment variables, under these names. */
    @Test
    void theEnvironmentNamesTheChartUsesBind() {
        Map<String, Object> environment = Map.of(
                "KV_CLUSTER_SECRET_FILE", "/var/run/kv/cluster-secret",
                "KV_CLUSTER_TLS_BUNDLE", "kv-member",
                "KV_CLUSTER_TLS_ALLOWEDIDENTITIES", "kv-node, kv-gateway",
                "KV_LIMITS_BODYBUDGET", "64MB");
        new ApplicationContextRunner().withUserConfiguration(Settings.class)
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", environment)))
                .run(context -> {
                    ClusterProperties cluster = context.getBean(ClusterProperties.class);
                    assertThat(cluster.secretFile()).isEqualTo("/var/run/kv/cluster-secret");
                    assertThat(cluster.tls().bundle()).isEqualTo("kv-member");
                    assertThat(cluster.tls().allowedIdentities()).containsExactly("kv-node", "kv-gateway");
                    LimitsProperties limits = context.getBean(LimitsProperties.class);
                    assertThat(limits.bodyBudget()).isEqualTo(DataSize.ofMegabytes(64));
                    assertThat(limits.largestBody()).isEqualTo(DataSize.ofMegabytes(20));
                    assertThat(limits.bodyWait()).isEqualTo(Duration.ofMillis(100));
                });
    }

    @Test
    void anUnsetBodyBudgetIsAnEighthOfTheHeap() {
        assertThat(new LimitsProperties(null, DataSize.ofMegabytes(20), Duration.ZERO).bodyBudgetBytes(800))
                .isEqualTo(100);
    }
}
