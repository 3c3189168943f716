package dev.kv.node;

import dev.kv.node.faults.FaultProperties;
import dev.kv.node.faults.SkewedClock;
import dev.kv.web.runtime.SystemSources;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.InstantSource;
import java.util.random.RandomGenerator;

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

    /**
     * The one source of time for the node, injected so that tests can drive it; off by {@code kv.faults.clock-offset}
     * when a robustness test skews this node's clock ({@link SkewedClock}), else the wall clock itself.
     */
    @Bean
    InstantSource instantSource(FaultProperties faults) {
        return SkewedClock.of(SystemSources.wallClock(), faults.clockOffset());
    }

    /**
     * The one source of chance for the node's decisions (gossip targets, anti-entropy jitter, the spread of Merkle
     * rebuilds), injected so that tests can seed it. A new generator per component that asks (prototype scope), each
     * seeded from the system's entropy: the generators are not thread-safe, and each component draws from its own
     * thread (the scheduler's, the rebuild thread) instead of sharing one. The node's epoch is not drawn from these:
     * {@code NodeIdentity} takes it from {@link SystemSources#secureRandom()}, as it must never be predictable.
     */
    @Bean
    @Scope("prototype")
    RandomGenerator randomGenerator() {
        return SystemSources.newRandom();
    }
}
