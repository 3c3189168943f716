package dev.kv.gateway.api;

import dev.kv.web.limits.Pipelines;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link KeyRouteValve} in the gateway's Tomcat pipeline, after the limits, unless
 * {@code kv.gateway.direct-key-route=false} (then Spring MVC serves every key request, at about a quarter more CPU
 * per request; kept for comparing the two).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "kv.gateway.direct-key-route", havingValue = "true", matchIfMissing = true)
class KeyRouteValveConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> keyRouteValve(ObjectProvider<KvController> controller,
                                                                            KeyRouteFailures failures,
                                                                            KeyRequestTimers timers, JsonMapper json) {
        // The handlers are looked up at the first request: the web server is configured before the data path's beans.
        KeyRouteValve valve = new KeyRouteValve(SingletonSupplier.of(controller::getObject), failures, timers, json);
        return Pipelines.onDataPort(Ordered.LOWEST_PRECEDENCE, valve);
    }
}
