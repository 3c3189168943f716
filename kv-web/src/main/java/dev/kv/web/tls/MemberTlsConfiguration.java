package dev.kv.web.tls;

import dev.kv.web.ClusterProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * For a service to {@code @Import}: {@link MemberTls} from the SSL bundle named in {@code kv.cluster.tls.bundle} (off
 * when blank), admitting the identities in {@code kv.cluster.tls.allowed-identities} ({@link ClusterProperties.Tls}).
 * A bundle with {@code reload-on-update: true} is taken again when its files change.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
public class MemberTlsConfiguration {

    @Bean
    MemberTls memberTls(ClusterProperties cluster, ObjectProvider<SslBundles> bundles,
                        ObjectProvider<MeterRegistry> registry) {
        String bundleName = cluster.tls().bundle();
        if (bundleName.isBlank()) {
            return MemberTls.off();
        }
        SslBundles all = bundles.getObject();
        MemberTls tls = MemberTls.of(bundleName, all.getBundle(bundleName),
                AllowedIdentities.of(cluster.tls().allowedIdentities()));
        all.addBundleUpdateHandler(bundleName, tls::load);
        registry.ifAvailable(meters -> {
            Gauge.builder("kv.member.tls.loaded", tls, t -> t.loadedAtMillis() / 1000.0).baseUnit("seconds")
                    .description("when the member certificate in use was loaded, in seconds since the epoch")
                    .register(meters);
            FunctionCounter.builder("kv.member.tls.refused.servers", tls, MemberTls::refusedServers)
                    .description("handshakes refused because the server's certificate identity was not a member")
                    .register(meters);
        });
        return tls;
    }
}
