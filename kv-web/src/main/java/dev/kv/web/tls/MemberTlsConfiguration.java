package dev.kv.web.tls;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * For a service to {@code @Import}: {@link MemberTls} from the SSL bundle named in {@code kv.cluster.tls.bundle} (off
 * when blank), admitting the identities in {@code kv.cluster.tls.allowed-identities}. A bundle with
 * {@code reload-on-update: true} is taken again when its files change.
 */
@Configuration(proxyBeanMethods = false)
public class MemberTlsConfiguration {

    @Bean
    MemberTls memberTls(@Value("${kv.cluster.tls.bundle:}") String bundleName,
                        @Value("${kv.cluster.tls.allowed-identities:}") List<String> allowedIdentities,
                        ObjectProvider<SslBundles> bundles, ObjectProvider<MeterRegistry> registry) {
        if (bundleName.isBlank()) {
            return MemberTls.off();
        }
        SslBundles all = bundles.getObject();
        MemberTls tls = MemberTls.of(bundleName, all.getBundle(bundleName), AllowedIdentities.of(allowedIdentities));
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
