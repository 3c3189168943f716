package dev.kv.gateway;

import org.springframework.test.context.TestPropertySource;

/** {@link ReadPathTest} with every key request served by Spring MVC: both ways must answer alike. */
@TestPropertySource(properties = "kv.gateway.direct-key-route=false")
class ReadPathThroughSpringTest extends ReadPathTest {
}
