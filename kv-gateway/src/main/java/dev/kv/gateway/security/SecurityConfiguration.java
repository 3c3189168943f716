package dev.kv.gateway.security;

import dev.kv.core.contract.Headers;
import dev.kv.gateway.api.KeyPath;
import dev.kv.gateway.api.Problems;
import dev.kv.gateway.auth.ApiKeys;
import dev.kv.gateway.auth.ClientAuthConfiguration;
import dev.kv.gateway.auth.ClientAuthProperties;
import dev.kv.web.net.SourceAddressConfiguration;
import dev.kv.web.security.ClusterSecretChain;
import dev.kv.web.security.ClusterSecretConfiguration;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.security.NoSecurityObservations;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.security.RejectedRequests;
import dev.kv.web.tls.MemberTlsConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

/**
 * The gateway's operator endpoints ({@code /admin/**}: cluster-wide repair) take the cluster secret in
 * {@link Headers#CLUSTER_SECRET}, like the nodes' own; the public API stays open. Spring Security decides on the path
 * Spring MVC routes on, and its {@link StrictHttpFirewall} refuses (400 problem) every path with more than one
 * spelling, so {@code /admin;x/v1/repair} or {@code /%61dmin/v1/repair} can no longer slip past a check of the raw
 * path.
 *
 * <p>The key route ({@code /v1/kv/...} by its raw path) is the exception, on purpose: keys may hold any bytes,
 * percent-encoded ({@code ;}, {@code %2F}, {@code %25}, {@code %2E}...), which the strict firewall would refuse. Its
 * requests are validated by {@code KeyPathFilter}, which runs before this chain and refuses every segment a
 * normaliser would change, so they cannot mean any other route; they skip the chain altogether (no firewall, no
 * security context, no headers work: the data path pays nothing), and {@link AdminRouteGuard} refuses any that would
 * reach an admin handler anyway. Everything is stateless ({@link ClusterSecretChain}): no session, no CSRF token (the
 * header credential is never sent by a browser on its own), no saved requests.
 */
@Configuration
@Import({NoSecurityObservations.class, ClusterSecretConfiguration.class, MemberTlsConfiguration.class,
        SourceAddressConfiguration.class})
class SecurityConfiguration {

    static final String OPERATOR = ClientAuthConfiguration.OPERATOR;

    /**
     * Swagger UI (same-origin scripts and styles, inline styles from its bundle, SVG data images) and JSON pages:
     * nothing from elsewhere, no framing, no plugins.
     */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    @Bean
    SecurityFilterChain adminSecurity(HttpSecurity http, LiveClusterSecret secret, MeterRegistry registry,
                                      Environment environment, ClientAuthProperties clients, ApiKeys keys)
            throws Exception {
        ProtectedMode.enforce(environment, "the gateway", secret.get().isConfigured(),
                ProtectedMode.CLUSTER_SECRET_SETTINGS);
        http.securityMatcher(request -> !KeyPath.isKeyRoute(request.getRequestURI()))
                .headers(headers -> headers.addHeaderWriter(new StaticHeadersWriter("Content-Security-Policy",
                        PAGE_POLICY)));
        // With client authentication on, an API key with the admin role is an operator's credential too.
        ClientAuthConfiguration.adminKeys(clients, keys)
                .ifPresent(filter -> http.addFilterBefore(filter, AuthorizationFilter.class));
        return new ClusterSecretChain(secret, OPERATOR, "the admin API is for operators",
                Problems.WRITER, registry).build(http, "/admin/**");
    }

    /** The strict firewall for every path but the key route, which {@code KeyPathFilter} has already validated. */
    @Bean
    HttpFirewall firewall() {
        StrictHttpFirewall strict = new StrictHttpFirewall();
        return new HttpFirewall() {
            @Override
            public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
                if (KeyPath.isKeyRoute(request.getRequestURI())) {
                    return new FirewalledRequest(request) {
                        @Override
                        public void reset() {
                        }
                    };
                }
                return strict.getFirewalledRequest(request);
            }

            @Override
            public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
                return strict.getFirewalledResponse(response);
            }
        };
    }

    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return RejectedRequests.asProblem(Problems.WRITER, RejectedRequests.CANONICAL_SPELLING_ADVICE);
    }
}
