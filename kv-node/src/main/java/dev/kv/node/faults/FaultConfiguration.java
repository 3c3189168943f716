package dev.kv.node.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node's {@link Failpoints}, armed from {@link FaultProperties} with the real {@link Halt}. An enabled profile is
 * announced in one line at start, so a test (or an operator who finds it on by mistake) sees what is armed.
 */
@Configuration(proxyBeanMethods = false)
class FaultConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FaultConfiguration.class);

    @Bean
    Failpoints failpoints(FaultProperties properties) {
        if (properties.enabled()) {
            log.info("fault hooks enabled (test profile): failpoints armed {}, clock offset {}ms", properties.armed(),
                    properties.clockOffset().toMillis());
        }
        return new Failpoints(properties.armed(), Halt.RUNTIME);
    }
}
