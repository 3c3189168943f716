package dev.kv.node.replica;

import dev.kv.core.cluster.ClusterSecret;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts {@link ReplicaBatchValve} at the head of the node's Tomcat pipeline. */
@Configuration(proxyBeanMethods = false)
class ReplicaBatchConfiguration {

    @Bean
    TomcatContextCustomizer replicaBatchValve(ReplicaBatchHandler handler,
                                              @Value("${kv.cluster.secret:}") String secret) {
        return context -> context.getPipeline().addValve(new ReplicaBatchValve(handler, ClusterSecret.of(secret)));
    }
}
