package dev.kv.web.limits;

import dev.kv.web.ProblemWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * For a service to {@code @Import}: {@link BodyBudgetValve} first in its data port's pipeline (ahead of the valves
 * that serve the data path), sized by the {@code kv.limits} settings ({@link LimitsProperties}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class BodyBudgetConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> bodyBudget(LimitsProperties limits,
                                                                         ObjectProvider<ProblemWriter> problems,
                                                                         ObjectProvider<MeterRegistry> registry) {
        long bytes = limits.bodyBudgetBytes(Runtime.getRuntime().maxMemory());
        BodyBudgetValve valve = new BodyBudgetValve(bytes, limits.largestBody().toBytes(), limits.bodyWait().toMillis(),
                problems.getIfAvailable(() -> ProblemWriter.ABOUT_BLANK),
                registry.getIfAvailable(SimpleMeterRegistry::new));
        return Pipelines.onDataPort(Ordered.HIGHEST_PRECEDENCE + 1, valve);
    }
}
