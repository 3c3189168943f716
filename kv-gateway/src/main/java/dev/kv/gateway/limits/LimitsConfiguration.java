package dev.kv.gateway.limits;

import dev.kv.gateway.api.Problems;
import dev.kv.web.ProblemWriter;
import dev.kv.web.limits.BodyBudgetConfiguration;
import dev.kv.web.limits.Pipelines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * The gateway's limits ahead of its data path: the body budget ({@link BodyBudgetConfiguration}) and, when
 * {@code kv.gateway.rate-limit.per-client} is set, the per-client rate limit ({@link RateLimitValve}), both before the
 * key route's valve.
 */
@Configuration(proxyBeanMethods = false)
@Import(BodyBudgetConfiguration.class)
class LimitsConfiguration {

    /** The gateway's problems carry its {@code urn:kv:problem:} types, the body budget's 503 included. */
    @Bean
    ProblemWriter problemWriter() {
        return Problems.WRITER;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> rateLimit(RateLimitProperties properties,
                                                                        MeterRegistry registry) {
        Counter refusals = Counter.builder("kv.limits.refusals").tag("limit", "rate")
                .description("requests refused by a limit before any work: body-bytes (too many large bodies in "
                        + "flight), rate (a client over its rate)").register(registry);
        if (properties.perClient() == 0) {
            return factory -> { };
        }
        ClientRateLimiter limiter = new ClientRateLimiter(properties.perClient(), properties.clientsMax());
        Gauge.builder("kv.limits.rate.clients", limiter, ClientRateLimiter::tracked)
                .description("clients whose request rate is tracked").register(registry);
        return Pipelines.onDataPort(Ordered.HIGHEST_PRECEDENCE + 2, new RateLimitValve(limiter, refusals));
    }
}
