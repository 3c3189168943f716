package dev.kv.gateway.auth;

import dev.kv.gateway.api.Problems;
import dev.kv.web.limits.Pipelines;
import dev.kv.web.security.AuditLog;
import dev.kv.web.security.LiveClusterSecret;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Client authentication on the gateway ({@link ClientAuthProperties}): the public API's valve, and for the admin API
 * an API key with the {@code admin} role as an operator's credential beside the cluster secret. Every admin operation
 * is written to the audit log with who made it and how it ended.
 */
@Configuration(proxyBeanMethods = false)
public class ClientAuthConfiguration implements WebMvcConfigurer {

    /** The authority an operator holds, whichever credential it presented (the gateway's admin chain asks for it). */
    public static final String OPERATOR = "OPERATOR";

    @Bean
    ApiKeys apiKeys(ClientAuthProperties properties) {
        return new ApiKeys(properties);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> clientAuth(ClientAuthProperties properties,
                                                                         ApiKeys keys, LiveClusterSecret secret,
                                                                         MeterRegistry registry) {
        if (!properties.enabled()) {
            return factory -> { };
        }
        return Pipelines.onDataPort(Ordered.HIGHEST_PRECEDENCE + 3, new ClientAuthValve(keys, secret, registry));
    }

    /**
     * For the admin chain: a filter taking {@code Authorization: Bearer <key>}, which authenticates a client with the
     * {@code admin} role as an operator and any other client as itself (then refused, 403); empty when client
     * authentication is off.
     */
    public static Optional<AuthenticationFilter> adminKeys(ClientAuthProperties properties, ApiKeys keys) {
        if (!properties.enabled()) {
            return Optional.empty();
        }
        AuthenticationManager manager = presented -> {
            ApiClient client = keys.authenticate((String) presented.getCredentials())
                    .orElseThrow(() -> new BadCredentialsException("unknown API key"));
            List<String> authorities = client.roles().contains(Role.ADMIN) ? List.of("ROLE_" + OPERATOR) : List.of();
            return UsernamePasswordAuthenticationToken.authenticated(client.name(), null,
                    AuthorityUtils.createAuthorityList(authorities));
        };
        AuthenticationFilter filter = new AuthenticationFilter(manager, ClientAuthConfiguration::bearer);
        filter.setSuccessHandler((request, response, result) -> { });
        filter.setFailureHandler((request, response, e) -> refuseUnknownKey(request, response));
        filter.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        return Optional.of(filter);
    }

    private static Authentication bearer(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        return authorization == null || !authorization.regionMatches(true, 0, ApiKeys.BEARER, 0,
                ApiKeys.BEARER.length()) ? null
                : UsernamePasswordAuthenticationToken.unauthenticated("api-key", authorization);
    }

    private static void refuseUnknownKey(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        AuditLog.refused(request.getRemoteAddr(), request.getMethod(), request.getRequestURI(), 401, "wrong API key");
        response.setHeader("WWW-Authenticate", "Bearer realm=\"kv\"");
        Problems.write(response, 401, "Unauthorized", "the key in Authorization is not one of this cluster's clients",
                "unauthorized");
    }

    /**
     * The audit line of every admin operation once it has ended: changes at INFO, reads (the dashboard polls some
     * every second) at DEBUG.
     */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                        Exception failure) {
                String who = request.getUserPrincipal() != null ? request.getUserPrincipal().getName()
                        : request.getRemoteAddr();
                AuditLog.admin(who, request.getMethod(), request.getRequestURI(), response.getStatus(),
                        !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD"));
            }
        }).addPathPatterns("/admin/**");
    }
}
