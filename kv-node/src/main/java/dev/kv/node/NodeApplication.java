package dev.kv.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.InstantSource;

/**
 * A storage node: RocksDB behind the internal replica API. Its only credential is the cluster secret
 * ({@code security/SecurityConfiguration}), so Boot's generated in-memory user is not wanted.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class NodeApplication {

    public static void main(String[] args) {
        SpringApplication.run(NodeApplication.class, args);
    }

    /** The one source of time for the node, injected so that tests can drive it. */
    @Bean
    InstantSource instantSource() {
        return InstantSource.system();
    }
}
