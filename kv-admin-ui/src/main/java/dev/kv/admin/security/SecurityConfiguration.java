package dev.kv.admin.security;

import dev.kv.admin.AdminProperties;
import dev.kv.web.ProblemErrorReportConfiguration;
import dev.kv.web.ProblemWriter;
import dev.kv.web.limits.BodyBudgetConfiguration;
import dev.kv.web.security.ClusterSecretConfiguration;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.security.RejectedRequests;
import dev.kv.web.tls.MemberTlsConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The dashboard asks for a login (HTTP Basic) when {@code kv.admin.username} and {@code kv.admin.password} are set,
 * except for the health probes. Its page changes data (puts, deletes, repairs), and a browser resends Basic
 * credentials to a site on its own, so those requests also need the CSRF token the page reads from the
 * {@code XSRF-TOKEN} cookie and sends back as {@code X-XSRF-TOKEN}, which another site cannot. Without credentials
 * (loopback development) everything is open, and the dashboard says so at start-up. Request lines Tomcat refuses
 * before any of this are answered as problems too ({@link ProblemErrorReportConfiguration}).
 */
@Configuration
@Import({ProblemErrorReportConfiguration.class, ClusterSecretConfiguration.class, BodyBudgetConfiguration.class,
        MemberTlsConfiguration.class})
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain dashboardSecurity(HttpSecurity http, AdminProperties properties, Environment environment)
            throws Exception {
        ProtectedMode.enforce(environment, "the dashboard", properties.loginRequired(),
                "a login (kv.admin.username and kv.admin.password)");
        if (!properties.loginRequired()) {
            log.warn("kv.admin.username/password are not set: the dashboard needs no login (loopback only)");
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable()).build();
        }
        AuthenticationEntryPoint loginNeeded = (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Basic realm=\"kv dashboard\"");
            ProblemWriter.ABOUT_BLANK.write(response, 401, "unauthorized", "Unauthorized",
                    "the dashboard needs its login");
        };
        return http
                .authorizeHttpRequests(requests -> requests
                        // Actuator is on the management port, which only Prometheus and the kubelet reach.
                        .requestMatchers("/actuator/health/**", "/actuator/prometheus", "/actuator/info").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(loginNeeded))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(loginNeeded)
                        .accessDeniedHandler((request, response, e) -> ProblemWriter.ABOUT_BLANK.write(response,
                                403, "forbidden", "Forbidden",
                                "refused: a change needs the CSRF token from the XSRF-TOKEN cookie in X-XSRF-TOKEN")))
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .addFilterAfter(new CsrfCookieFilter(), org.springframework.security.web.authentication.www
                        .BasicAuthenticationFilter.class)
                .build();
    }

    /**
     * Spring Security's {@link StrictHttpFirewall} (its default, spelled out) refuses every path with more than one
     * spelling ({@code ;} parameters, {@code //}, {@code /./}, encoded {@code .} or {@code /}); the rules above match
     * the decoded path Spring MVC routes on, so {@code /%61pi/keys} is {@code /api/keys} to both.
     */
    @Bean
    HttpFirewall strictFirewall() {
        return new StrictHttpFirewall();
    }

    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return RejectedRequests.asProblem(ProblemWriter.ABOUT_BLANK, "");
    }

    @Bean
    UserDetailsService operators(AdminProperties properties) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(User.withUsername(properties.loginRequired() ? properties.username()
                : "unused").password(encoder.encode(properties.loginRequired() ? properties.password()
                : java.util.UUID.randomUUID().toString())).roles("OPERATOR").build());
    }
}
