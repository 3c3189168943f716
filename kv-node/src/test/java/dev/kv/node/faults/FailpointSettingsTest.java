package dev.kv.node.faults;

import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fault hooks at start: off by default, refused unless {@code kv.faults.enabled} is set, a misspelt failpoint
 * stops the node, and an enabled profile says what it armed in one line.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailpointSettingsTest {

    @EnableConfigurationProperties(FaultProperties.class)
    @Import(FaultConfiguration.class)
    static class Faults {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Faults.class);

    @Test
    void byDefaultNothingIsArmedAndNothingFires() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(FaultProperties.class).armed()).isEmpty();
            Failpoints failpoints = context.getBean(Failpoints.class);
            for (Failpoint point : Failpoint.values()) {
                failpoints.fire(point);
            }
        });
    }

    @Test
    void failpointsWithoutTheEnableFlagStopTheNodeAsATestProfileOnly() {
        assertThat(StartFailures.report(Faults.class, "kv.faults.failpoints=replica-merge.after=crash"))
                .contains("kv.faults.failpoints is set to {replica-merge.after=crash} but kv.faults.enabled is false")
                .contains("the fault hooks are a test profile only");
        assertThat(StartFailures.report(Faults.class, "kv.faults.enabled=false",
                "kv.faults.failpoints=hint-store.before=error")).contains("test profile only");
    }

    @Test
    void anUnknownFailpointStopsTheNodeNamingTheKnownOnes() {
        assertThat(StartFailures.report(Faults.class, "kv.faults.enabled=true",
                "kv.faults.failpoints=replica-merge.after=crash,hint-stor.before=error"))
                .contains("kv.faults.failpoints: unknown failpoint 'hint-stor.before'")
                .contains("known: replica-merge.before, replica-merge.after, coordinate.before");
    }

    @Test
    void anUnknownActionStopsTheNode() {
        assertThat(StartFailures.report(Faults.class, "kv.faults.enabled=true",
                "kv.faults.failpoints=coordinate.before=kill"))
                .contains("kv.faults.failpoints: coordinate.before: unknown action 'kill'");
    }

    @Test
    void anEnabledProfileArmsItsFailpointsAndSaysSoInOneLine(CapturedOutput output) {
        runner.withPropertyValues("kv.faults.enabled=true",
                        "kv.faults.failpoints=coordinate.after=error,merkle-push.before=delay:200ms",
                        "kv.faults.clock-offset=-30s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(Failpoints.class).fire(Failpoint.COORDINATE_AFTER))
                            .isInstanceOf(FailpointException.class);
                    context.getBean(Failpoints.class).fire(Failpoint.COORDINATE_BEFORE);
                });
        assertThat(output).contains("fault hooks enabled (test profile): failpoints armed {coordinate.after=error,"
                + " merkle-push.before=delay:200ms}, clock offset -30000ms");
    }

    @Test
    void aDisabledProfileSaysNothing(CapturedOutput output) {
        runner.run(context -> assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain("fault hooks");
    }
}
