package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Duration;

/**
 * For a service to {@code @Import}: the {@link LiveClusterSecret} from {@code kv.cluster.secret-file} (read again every
 * {@code kv.cluster.secret-reload-interval}) or else {@code kv.cluster.secret}. Setting both is refused at start-up,
 * since it would be unclear which one a rotation has to change.
 */
@Configuration(proxyBeanMethods = false)
public class ClusterSecretConfiguration {

    @Bean(destroyMethod = "close")
    LiveClusterSecret clusterSecret(@Value("${kv.cluster.secret:}") String value,
                                    @Value("${kv.cluster.secret-file:}") String file,
                                    @Value("${kv.cluster.secret-reload-interval:1s}") Duration interval) {
        if (file.isBlank()) {
            return LiveClusterSecret.fixed(ClusterSecret.of(value));
        }
        if (!value.isBlank()) {
            throw new IllegalStateException("set kv.cluster.secret or kv.cluster.secret-file, not both "
                    + "(KV_CLUSTER_SECRET / KV_CLUSTER_SECRET_FILE)");
        }
        return LiveClusterSecret.fromFile(Path.of(file), interval);
    }
}
