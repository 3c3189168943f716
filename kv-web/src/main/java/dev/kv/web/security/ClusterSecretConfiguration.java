package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.web.ClusterProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * For a service to {@code @Import}: the {@link LiveClusterSecret} from {@code kv.cluster.secret-file} (read again every
 * {@code kv.cluster.secret-reload-interval}) or else {@code kv.cluster.secret} ({@link ClusterProperties}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterSecretConfiguration {

    @Bean(destroyMethod = "close")
    LiveClusterSecret clusterSecret(ClusterProperties cluster, ObjectProvider<MeterRegistry> registry) {
        LiveClusterSecret secret = cluster.secretFile().isBlank()
                ? LiveClusterSecret.fixed(ClusterSecret.of(cluster.secret()))
                : LiveClusterSecret.fromFile(Path.of(cluster.secretFile()), cluster.secretReloadInterval());
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
