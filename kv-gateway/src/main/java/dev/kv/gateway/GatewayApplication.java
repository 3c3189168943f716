package dev.kv.gateway;

import dev.kv.web.runtime.SystemSources;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.InstantSource;
import java.util.random.RandomGenerator;

/**
 * The stateless gateway: the public API, routing, quorum coordination and read repair. Its only credential is the
 * cluster secret on {@code /admin/**} ({@code security/SecurityConfiguration}): Boot's generated user is not wanted.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }

    @Bean
    InstantSource instantSource() {
        return SystemSources.wallClock();
    }

    /** The gateway's chance (write ids); not thread-safe, so its users draw from it under its lock. */
    @Bean
    RandomGenerator randomGenerator() {
        return SystemSources.newRandom();
    }
}
