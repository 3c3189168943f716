package dev.kv.web.net;

import dev.kv.web.ClusterProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** For a service to {@code @Import}: the {@link SourceAddress} its calls to other members leave from. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
public class SourceAddressConfiguration {

    @Bean
    SourceAddress sourceAddress(ClusterProperties cluster) {
        return SourceAddress.of(cluster.sourceAddress());
    }
}
