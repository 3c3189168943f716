package dev.kv.node.security;

import dev.kv.core.cluster.ClusterSecret;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Only cluster members (and operators holding the secret) may call {@code /internal/**} and {@code /admin/**}: they
 * prove it with the shared cluster secret in {@link ClusterSecret#HEADER}, compared in constant time.
 *
 * <p>Spring Security decides on the same decoded, normalised path that Spring MVC routes on, so
 * {@code /%69nternal/v1/info} is {@code /internal/v1/info} to both; and its {@link StrictHttpFirewall} refuses, with a
 * 400 problem, every path that has more than one spelling ({@code ;} parameters, {@code //}, {@code /./},
 * {@code ..}, encoded {@code /}, {@code .}, {@code %} or {@code \}) before anything else looks at it. Without a
 * configured secret the internal API is open, which is acceptable only on loopback; the node says so at start-up, and
 * the firewall still applies. The API is stateless: no session, no CSRF token (browsers never send the header on
 * their own), no saved requests.
 */
@Configuration
class SecurityConfiguration {

    static final String MEMBER = "CLUSTER_MEMBER";
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain clusterSecurity(HttpSecurity http, @Value("${kv.cluster.secret:}") String configured)
            throws Exception {
        ClusterSecret secret = ClusterSecret.of(configured);
        AuthenticationEntryPoint unauthorized = (request, response, e) -> Problems.write(response, 401,
                "Unauthorized", (request.getHeader(ClusterSecret.HEADER) == null ? "missing" : "wrong")
                        + " cluster secret in " + ClusterSecret.HEADER + ": /internal and /admin are for cluster"
                        + " members and operators");
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .logout(logout -> logout.disable())
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, e) -> Problems.write(response, 403, "Forbidden",
                                "not allowed for this credential")));
        if (!secret.isConfigured()) {
            log.warn("kv.cluster.secret is not set: the internal API accepts any caller (loopback development only)");
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
        }
        AuthenticationFilter authentication = new AuthenticationFilter(memberAuthentication(secret),
                ClusterSecretAuthentication::fromHeader);
        authentication.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        authentication.setSuccessHandler((request, response, result) -> { });
        authentication.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        return http.addFilterBefore(authentication, AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/internal/**", "/admin/**").hasRole(MEMBER)
                        .anyRequest().permitAll())
                .build();
    }

    /** The secret alone identifies a member; a wrong one fails the request at once (401). */
    private static AuthenticationManager memberAuthentication(ClusterSecret secret) {
        return authentication -> {
            if (!secret.matches((String) authentication.getCredentials())) {
                throw new BadCredentialsException("wrong cluster secret");
            }
            return UsernamePasswordAuthenticationToken.authenticated("cluster-member", null,
                    AuthorityUtils.createAuthorityList("ROLE_" + MEMBER));
        };
    }

    /** Picked up by Spring Security for its filter chain (the default, spelled out so tests can rely on it). */
    @Bean
    HttpFirewall strictFirewall() {
        return new StrictHttpFirewall();
    }

    /** A refused path is the caller's error: 400 with a problem, never a 500 or an HTML page. */
    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return (request, response, e) -> Problems.write(response, 400, "Bad Request",
                "the request was refused before routing: " + e.getMessage()
                        + " (paths must be sent in their one canonical spelling)");
    }

    /** The header, as an unauthenticated token; no header, no attempt (the authorization rules decide). */
    static final class ClusterSecretAuthentication {

        private ClusterSecretAuthentication() {
        }

        static UsernamePasswordAuthenticationToken fromHeader(HttpServletRequest request) {
            String presented = request.getHeader(ClusterSecret.HEADER);
            return presented == null ? null
                    : UsernamePasswordAuthenticationToken.unauthenticated("cluster-member", presented);
        }
    }
}
