package dev.kv.node.security;

import dev.kv.core.contract.Headers;
import dev.kv.web.ProblemErrorReportConfiguration;
import dev.kv.web.ProblemWriter;
import dev.kv.web.limits.BodyBudgetConfiguration;
import dev.kv.web.limits.Pipelines;
import dev.kv.web.net.SourceAddressConfiguration;
import dev.kv.web.security.ClusterSecretChain;
import dev.kv.web.security.ClusterSecretConfiguration;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.security.NoSecurityObservations;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.security.RejectedRequests;
import dev.kv.web.tls.MemberCertificateValve;
import dev.kv.web.tls.MemberTls;
import dev.kv.web.tls.MemberTlsConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Only cluster members (and operators holding the secret) may call {@code /internal/**} and {@code /admin/**}: they
 * prove it with the shared cluster secret in {@link Headers#CLUSTER_SECRET}, compared in constant time
 * ({@link ClusterSecretChain}, stateless).
 *
 * <p>Spring Security decides on the same decoded, normalised path that Spring MVC routes on, so
 * {@code /%69nternal/v1/info} is {@code /internal/v1/info} to both; and its {@link StrictHttpFirewall} refuses, with a
 * 400 problem, every path that has more than one spelling ({@code ;} parameters, {@code //}, {@code /./},
 * {@code ..}, encoded {@code /}, {@code .}, {@code %} or {@code \}) before anything else looks at it. The request
 * lines Tomcat refuses before that are answered as problems too ({@link ProblemErrorReportConfiguration}). Without a
 * configured secret the internal API is open, which is acceptable only on loopback; the node says so at start-up, and
 * the firewall still applies.
 */
@Configuration
@Import({ProblemErrorReportConfiguration.class, NoSecurityObservations.class, ClusterSecretConfiguration.class,
        BodyBudgetConfiguration.class, MemberTlsConfiguration.class, SourceAddressConfiguration.class})
class SecurityConfiguration {

    static final String MEMBER = "CLUSTER_MEMBER";
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** Who may use the internal and admin APIs; also consulted by the batch valve, which serves ahead of the chain. */
    @Bean
    ClusterSecretChain clusterSecretChain(LiveClusterSecret secret, MemberTls tls, MeterRegistry registry,
                                          Environment environment) {
        if (tls.enabled()) {
            requireClientCertificates(environment, tls);
        }
        ProtectedMode.enforce(environment, "the node", secret.get().isConfigured() || tls.enabled(),
                ProtectedMode.CLUSTER_SECRET_SETTINGS + " or member TLS (kv.cluster.tls.bundle)");
        if (!secret.get().isConfigured() && !tls.enabled()) {
            log.warn("kv.cluster.secret is not set: the internal API accepts any caller (loopback development only)");
        }
        return new ClusterSecretChain(secret, tls, MEMBER, "/internal and /admin are for cluster members and operators",
                ProblemWriter.ABOUT_BLANK, registry);
    }

    /**
     * Under member TLS the node's data port is where members call it, so it must serve TLS from the member bundle and
     * ask every client for its certificate; anything less would let a caller without one in.
     */
    private static void requireClientCertificates(Environment environment, MemberTls tls) {
        String bundle = environment.getProperty("server.ssl.bundle", "");
        String clientAuth = environment.getProperty("server.ssl.client-auth", "none");
        if (!bundle.equals(tls.bundleName()) || !clientAuth.equalsIgnoreCase("need")) {
            throw new IllegalStateException("member TLS (kv.cluster.tls.bundle=" + tls.bundleName() + ") needs the "
                    + "node's port to serve it and ask every client for a certificate: set server.ssl.bundle="
                    + tls.bundleName() + " and server.ssl.client-auth=need (now '" + bundle + "' and '" + clientAuth
                    + "')");
        }
    }

    /** Member certificates outside the allowed identities are refused first, on the data port only. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> memberCertificates(MemberTls tls,
                                                                           MeterRegistry registry) {
        if (!tls.enabled()) {
            return factory -> { };
        }
        return Pipelines.onDataPort(Ordered.HIGHEST_PRECEDENCE,
                new MemberCertificateValve(tls, ProblemWriter.ABOUT_BLANK, registry));
    }

    @Bean
    SecurityFilterChain clusterSecurity(HttpSecurity http, ClusterSecretChain members) throws Exception {
        return members.build(http, "/internal/**", "/admin/**");
    }

    /** Picked up by Spring Security for its filter chain (the default, spelled out so tests can rely on it). */
    @Bean
    HttpFirewall strictFirewall() {
        return new StrictHttpFirewall();
    }

    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return RejectedRequests.asProblem(ProblemWriter.ABOUT_BLANK, RejectedRequests.CANONICAL_SPELLING_ADVICE);
    }
}
