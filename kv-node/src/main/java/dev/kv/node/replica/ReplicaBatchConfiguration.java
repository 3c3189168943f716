package dev.kv.node.replica;

import dev.kv.web.security.ClusterSecretChain;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts {@link ReplicaBatchValve} at the head of the node's Tomcat pipeline. */
@Configuration(proxyBeanMethods = false)
class ReplicaBatchConfiguration {

    @Bean
    TomcatContextCustomizer replicaBatchValve(ReplicaBatchHandler handler, ClusterSecretChain members) {
        return context -> context.getPipeline().addValve(new ReplicaBatchValve(handler, members));
    }
}
