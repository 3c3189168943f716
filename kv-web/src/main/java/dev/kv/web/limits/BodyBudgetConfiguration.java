package dev.kv.web.limits;

import dev.kv.web.ProblemWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * For a service to {@code @Import}: {@link BodyBudgetValve} first in its data port's pipeline (ahead of the valves
 * that serve the data path). {@code kv.limits.body-budget} defaults to an eighth of the heap, so the bodies held at once,
 * with the copies a request makes of them, stay well inside it; {@code kv.limits.largest-body} is what a body of
 * unknown length reserves (the service's own largest legitimate body); {@code kv.limits.body-wait} how long a request
 * waits for room before its 503.
 */
@Configuration(proxyBeanMethods = false)
public class BodyBudgetConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> bodyBudget(@Value("${kv.limits.body-budget:}") DataSize budget,
                                       @Value("${kv.limits.largest-body:20MB}") DataSize largest,
                                       @Value("${kv.limits.body-wait:100ms}") Duration wait,
                                       ObjectProvider<ProblemWriter> problems,
                                       ObjectProvider<MeterRegistry> registry) {
        long bytes = budget != null ? budget.toBytes() : Runtime.getRuntime().maxMemory() / 8;
        BodyBudgetValve valve = new BodyBudgetValve(bytes, largest.toBytes(), wait.toMillis(),
                problems.getIfAvailable(() -> ProblemWriter.ABOUT_BLANK),
                registry.getIfAvailable(SimpleMeterRegistry::new));
        return Pipelines.onDataPort(Ordered.HIGHEST_PRECEDENCE + 1, valve);
    }
}
