package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
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
                                    @Value("${kv.cluster.secret-reload-interval:1s}") Duration interval,
                                    ObjectProvider<MeterRegistry> registry) {
        LiveClusterSecret secret;
        if (file.isBlank()) {
            secret = LiveClusterSecret.fixed(ClusterSecret.of(value));
        } else if (!value.isBlank()) {
            throw new IllegalStateException("set kv.cluster.secret or kv.cluster.secret-file, not both "
                    + "(KV_CLUSTER_SECRET / KV_CLUSTER_SECRET_FILE)");
        } else {
            secret = LiveClusterSecret.fromFile(Path.of(file), interval);
        }
        registry.ifAvailable(meters -> {
            Gauge.builder("kv.cluster.secret.values", secret, s -> s.get().size())
                    .description("cluster secret values accepted (2 while a rotation is under way)").register(meters);
            Gauge.builder("kv.cluster.secret.loaded", secret, s -> s.loadedAtMillis() / 1000.0).baseUnit("seconds")
                    .description("when the cluster secret held now was loaded, in seconds since the epoch")
                    .register(meters);
        });
        return secret;
    }
}
