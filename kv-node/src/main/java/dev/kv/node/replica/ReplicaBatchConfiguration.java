package dev.kv.node.replica;

import dev.kv.web.limits.Pipelines;
import dev.kv.web.security.ClusterSecretChain;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts {@link ReplicaBatchValve} in the node's Tomcat pipeline, after the body budget. */
@Configuration(proxyBeanMethods = false)
class ReplicaBatchConfiguration {

    @Bean
    TomcatContextCustomizer replicaBatchValve(ReplicaBatchHandler handler, ClusterSecretChain members) {
        ReplicaBatchValve valve = new ReplicaBatchValve(handler, members);
        return context -> Pipelines.addOnce(context, valve);
    }
}
