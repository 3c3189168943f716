package dev.kv.web.testsupport;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a service reports at start when a setting is wrong, found without starting the service: {@code configuration}
 * (typically one that enables or scans the service's {@code @ConfigurationProperties} records) is started alone with
 * the settings, and its failure goes through Spring Boot's failure analyzers, which write the report an operator
 * reads ({@code Property: kv.ring.virtual-nodes}, its value, where it was set, and the reason).
 */
public final class StartFailures {

    private StartFailures() {
    }

    /** The failure report of {@code configuration} started with {@code settings}; fails the test if it starts. */
    public static String report(Class<?> configuration, String... settings) {
        AtomicReference<String> report = new AtomicReference<>();
        new ApplicationContextRunner().withUserConfiguration(configuration).withPropertyValues(settings)
                .run(context -> {
                    assertThat(context).as("started with %s", List.of(settings)).hasFailed();
                    report.set(analyse(context.getStartupFailure()));
                });
        return report.get();
    }

    /** Fails the test unless {@code configuration} starts with {@code settings}. */
    public static void assertStarts(Class<?> configuration, String... settings) {
        new ApplicationContextRunner().withUserConfiguration(configuration).withPropertyValues(settings)
                .run(context -> assertThat(context).as("started with %s", List.of(settings)).hasNotFailed());
    }

    /** What Spring Boot would print for {@code failure}: the first analysis any of its failure analyzers gives. */
    public static String analyse(Throwable failure) {
        ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
                .and(Environment.class, new StandardEnvironment());
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, arguments)) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis.getDescription() + System.lineSeparator() + "Action: " + analysis.getAction();
            }
        }
        throw new AssertionError("no failure analysis for " + failure, failure);
    }
}
