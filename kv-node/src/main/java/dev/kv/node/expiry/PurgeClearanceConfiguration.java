package dev.kv.node.expiry;

import dev.kv.core.replica.PurgeClearance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link PurgeClearance} of the node: anti-entropy reports its exchanges to it, the sweep asks it. */
@Configuration(proxyBeanMethods = false)
class PurgeClearanceConfiguration {

    @Bean
    PurgeClearance purgeClearance() {
        return new PurgeClearance(PurgeGate.MAX_WAITING);
    }
}
