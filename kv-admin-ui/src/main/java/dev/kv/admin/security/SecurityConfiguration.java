package dev.kv.admin.security;

import dev.kv.admin.AdminProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * The dashboard asks for a login (HTTP Basic) when {@code kv.admin.username} and {@code kv.admin.password} are set,
 * except for the health probes. Its page changes data (puts, deletes, repairs), and a browser resends Basic
 * credentials to a site on its own, so those requests also need the CSRF token the page reads from the
 * {@code XSRF-TOKEN} cookie and sends back as {@code X-XSRF-TOKEN}, which another site cannot. Without credentials
 * (loopback development) everything is open, and the dashboard says so at start-up.
 */
@Configuration
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain dashboardSecurity(HttpSecurity http, AdminProperties properties) throws Exception {
        if (!properties.loginRequired()) {
            log.warn("kv.admin.username/password are not set: the dashboard needs no login (loopback only)");
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable()).build();
        }
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .addFilterAfter(new CsrfCookieFilter(), org.springframework.security.web.authentication.www
                        .BasicAuthenticationFilter.class)
                .build();
    }

    @Bean
    UserDetailsService operators(AdminProperties properties) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(User.withUsername(properties.loginRequired() ? properties.username()
                : "unused").password(encoder.encode(properties.loginRequired() ? properties.password()
                : java.util.UUID.randomUUID().toString())).roles("OPERATOR").build());
    }
}
