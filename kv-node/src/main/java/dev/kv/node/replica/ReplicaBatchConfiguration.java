package dev.kv.node.replica;

import dev.kv.web.limits.Pipelines;
import dev.kv.web.security.ClusterSecretChain;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link ReplicaBatchValve} in the node's Tomcat pipeline, after the body budget. */
@Configuration(proxyBeanMethods = false)
class ReplicaBatchConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> replicaBatchValve(ReplicaBatchHandler handler,
                                                                                ClusterSecretChain members) {
        return Pipelines.onDataPort(Ordered.LOWEST_PRECEDENCE, new ReplicaBatchValve(handler, members));
    }
}
