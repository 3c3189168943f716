package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.core.contract.Headers;
import dev.kv.web.ProblemWriter;
import dev.kv.web.tls.MemberTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import java.io.IOException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A stateless security chain in which the shared cluster secret, presented in {@link Headers#CLUSTER_SECRET} and
 * compared in constant time, is the one credential: it grants {@code role} on the protected paths, and every other
 * path stays open. The node protects its internal and admin APIs with it, the gateway its admin API. Under member
 * TLS ({@link MemberTls}) a client certificate whose identity is an allowed member is a credential too, and the secret
 * becomes optional.
 *
 * <p>No session, no CSRF token (a browser never sends the header on its own), no saved requests, no logout. A missing
 * or wrong secret is a 401 problem naming which it was and who the paths are for ({@code audience}); a wrong secret
 * fails the request at once rather than falling through to the authorization rules. Without a configured secret or
 * member TLS every path is open (loopback development): the caller decides whether to warn. The secret is asked for
 * on every request, so a reloaded one ({@link LiveClusterSecret}) applies at once; whether any is configured is
 * decided when the chain is built (a live secret never falls back to none).
 *
 * @param audience completes the 401 detail, e.g. "the admin API is for operators"
 */
public record ClusterSecretChain(Supplier<ClusterSecret> secret, MemberTls tls, String role, String audience,
                                 ProblemWriter problems, MeterRegistry registry) {

    /** A chain whose one credential is the secret (no member certificates: the gateway's and dashboard's). */
    public ClusterSecretChain(Supplier<ClusterSecret> secret, String role, String audience, ProblemWriter problems,
                              MeterRegistry registry) {
        this(secret, MemberTls.off(), role, audience, problems, registry);
    }

    /** Refusals counted by credential and reason; both reasons exist from the start, at 0. */
    public ClusterSecretChain {
        refusals(registry, "missing");
        refusals(registry, "wrong");
    }

    private static Counter refusals(MeterRegistry registry, String reason) {
        return Counter.builder("kv.auth.refusals").tag("credential", "cluster-secret").tag("reason", reason)
                .description("requests refused for a missing or wrong credential").register(registry);
    }

    /** The chain on {@code http}, which the caller may have narrowed or given headers already. */
    public SecurityFilterChain build(HttpSecurity http, String... protectedPatterns) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> unauthorized(request, response);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .logout(logout -> logout.disable())
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, e) -> {
                            AuditLog.refused(who(request), request.getMethod(), request.getRequestURI(), 403,
                                    "not allowed for this credential");
                            problems.write(response, 403, "forbidden", "Forbidden", "not allowed for this credential");
                        }));
        if (!guarded()) {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
        }
        AuthenticationFilter authentication = new AuthenticationFilter(holderOfTheSecret(), this::fromHeader);
        authentication.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        authentication.setSuccessHandler((request, response, result) -> { });
        authentication.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        return http.addFilterBefore(authentication, AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(protectedPatterns).hasRole(role)
                        .anyRequest().permitAll())
                .build();
    }

    /**
     * Whether the request may use the protected paths: it presents the secret, or none is configured. For code that
     * serves a protected path ahead of this chain (the node's batch valve); the chain itself decides the same way.
     */
    public boolean admits(HttpServletRequest request) {
        if (tls.memberIdentity(request) != null) {
            return true;
        }
        ClusterSecret now = secret.get();
        return !guarded() || now.isConfigured() && now.matches(request.getHeader(Headers.CLUSTER_SECRET));
    }

    /** Whether the protected paths need a credential: a secret is configured, or member certificates are. */
    private boolean guarded() {
        return secret.get().isConfigured() || tls.enabled();
    }

    /** The 401 problem for a request this chain does not admit, saying whether the secret was missing or wrong. */
    public void unauthorized(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String reason = request.getHeader(Headers.CLUSTER_SECRET) == null ? "missing" : "wrong";
        refusals(registry, reason).increment();
        AuditLog.refused(who(request), request.getMethod(), request.getRequestURI(), 401,
                reason + " cluster secret");
        problems.write(response, 401, "unauthorized", "Unauthorized",
                reason + " cluster secret in " + Headers.CLUSTER_SECRET + ": " + audience);
    }

    /** Who made a request: its authenticated principal, else its source address. */
    static String who(HttpServletRequest request) {
        return request.getUserPrincipal() != null ? request.getUserPrincipal().getName() : request.getRemoteAddr();
    }

    /** The secret alone identifies its holder; a wrong one throws, which the failure handler turns into a 401. */
    private AuthenticationManager holderOfTheSecret() {
        return authentication -> {
            if (authentication.isAuthenticated()) {
                return authentication; // a member certificate, checked by Tomcat and fromHeader
            }
            if (!secret.get().matches((String) authentication.getCredentials())) {
                throw new BadCredentialsException("wrong cluster secret");
            }
            return UsernamePasswordAuthenticationToken.authenticated(principal(), null,
                    AuthorityUtils.createAuthorityList("ROLE_" + role));
        };
    }

    /**
     * A member certificate (its identity, authenticated), else the header as an unauthenticated token; neither, no
     * attempt (the authorization rules decide).
     */
    private Authentication fromHeader(HttpServletRequest request) {
        String member = tls.memberIdentity(request);
        if (member != null) {
            return UsernamePasswordAuthenticationToken.authenticated(member, null,
                    AuthorityUtils.createAuthorityList("ROLE_" + role));
        }
        String presented = request.getHeader(Headers.CLUSTER_SECRET);
        return presented == null ? null : UsernamePasswordAuthenticationToken.unauthenticated(principal(), presented);
    }

    /** The role as a name for logs and the security context ({@code CLUSTER_MEMBER} is {@code cluster-member}). */
    private String principal() {
        return role.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
