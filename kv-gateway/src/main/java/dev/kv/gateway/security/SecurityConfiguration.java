package dev.kv.gateway.security;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.gateway.api.KeyPath;
import dev.kv.gateway.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

/**
 * The gateway's operator endpoints ({@code /admin/**}: cluster-wide repair) take the cluster secret in
 * {@link ClusterSecret#HEADER}, like the nodes' own; the public API stays open. Spring Security decides on the path
 * Spring MVC routes on, and its {@link StrictHttpFirewall} refuses (400 problem) every path with more than one
 * spelling, so {@code /admin;x/v1/repair} or {@code /%61dmin/v1/repair} can no longer slip past a check of the raw
 * path.
 *
 * <p>The key route ({@code /v1/kv/...} by its raw path) is the exception, on purpose: keys may hold any bytes,
 * percent-encoded ({@code ;}, {@code %2F}, {@code %25}, {@code %2E}...), which the strict firewall would refuse. Its
 * requests are validated by {@code KeyPathFilter}, which runs before this chain and refuses every segment a
 * normaliser would change, so they cannot mean any other route; they skip the chain altogether (no firewall, no
 * security context, no headers work: the data path pays nothing), and {@link AdminRouteGuard} refuses any that would
 * reach an admin handler anyway. Everything is stateless: no session, no CSRF token (the header credential is never
 * sent by a browser on its own), no saved requests.
 */
@Configuration
class SecurityConfiguration {

    static final String OPERATOR = "OPERATOR";

    /**
     * Swagger UI (same-origin scripts and styles, inline styles from its bundle, SVG data images) and JSON pages:
     * nothing from elsewhere, no framing, no plugins.
     */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    @Bean
    SecurityFilterChain adminSecurity(HttpSecurity http, @Value("${kv.cluster.secret:}") String configured)
            throws Exception {
        ClusterSecret secret = ClusterSecret.of(configured);
        AuthenticationEntryPoint unauthorized = (request, response, e) -> Problems.write(response, 401,
                "Unauthorized", (request.getHeader(ClusterSecret.HEADER) == null ? "missing" : "wrong")
                        + " cluster secret in " + ClusterSecret.HEADER + ": the admin API is for operators",
                "unauthorized");
        http.securityMatcher(request -> !KeyPath.isKeyRoute(request.getRequestURI()))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .logout(logout -> logout.disable())
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .headers(headers -> headers.addHeaderWriter(new StaticHeadersWriter("Content-Security-Policy",
                        PAGE_POLICY)))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, e) -> Problems.write(response, 403, "Forbidden",
                                "not allowed for this credential", "forbidden")));
        if (!secret.isConfigured()) {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
        }
        AuthenticationFilter authentication = new AuthenticationFilter(operatorAuthentication(secret),
                SecurityConfiguration::fromHeader);
        authentication.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        authentication.setSuccessHandler((request, response, result) -> { });
        authentication.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        return http.addFilterBefore(authentication, AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/admin/**").hasRole(OPERATOR)
                        .anyRequest().permitAll())
                .build();
    }

    private static AuthenticationManager operatorAuthentication(ClusterSecret secret) {
        return authentication -> {
            if (!secret.matches((String) authentication.getCredentials())) {
                throw new BadCredentialsException("wrong cluster secret");
            }
            return UsernamePasswordAuthenticationToken.authenticated("operator", null,
                    AuthorityUtils.createAuthorityList("ROLE_" + OPERATOR));
        };
    }

    /** The header, as an unauthenticated token; no header, no attempt (the authorization rules decide). */
    private static UsernamePasswordAuthenticationToken fromHeader(HttpServletRequest request) {
        String presented = request.getHeader(ClusterSecret.HEADER);
        return presented == null ? null : UsernamePasswordAuthenticationToken.unauthenticated("operator", presented);
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
            public jakarta.servlet.http.HttpServletResponse getFirewalledResponse(
                    jakarta.servlet.http.HttpServletResponse response) {
                return strict.getFirewalledResponse(response);
            }
        };
    }

    /** A refused path is the caller's error: 400 with a problem, never a 500 or an HTML page. */
    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return (request, response, e) -> Problems.write(response, 400, "Bad Request",
                "the request was refused before routing: " + e.getMessage()
                        + " (paths must be sent in their one canonical spelling)", "invalid-request");
    }
}
