package dev.kv.admin;

import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dashboard setting out of its range stops the dashboard at start, and the report names the property and the
 * range. Every {@code @ConfigurationProperties} record of the dashboard is bound here, alone, as it binds them.
 */
class SettingsValidationTest {

    @ConfigurationPropertiesScan(basePackageClasses = AdminApplication.class)
    static class AdminSettings {
    }

    @Test
    void theDefaultsAreValid() {
        StartFailures.assertStarts(AdminSettings.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kv.admin.timeout=0s       | must be longer than or equal to 1
            kv.admin.value-max=-1B    | must be at least 0B
            """)
    void aValueOutOfRangeIsReportedWithItsProperty(String setting, String reason) {
        String property = setting.substring(0, setting.indexOf('='));
        assertThat(StartFailures.report(AdminSettings.class, setting))
                .contains("Origin: \"" + property + "\"").contains("Reason: " + reason);
    }

    @Test
    void aLoginWithoutItsPasswordIsReportedWithBothProperties() {
        assertThat(StartFailures.report(AdminSettings.class, "kv.admin.username=ops"))
                .contains("set both kv.admin.username and kv.admin.password, or neither");
    }
}
