package dev.kv.gateway.api;

import org.springframework.test.context.TestPropertySource;

/** {@link ApiValidationTest} with every key request served by Spring MVC: both ways must answer alike. */
@TestPropertySource(properties = "kv.gateway.direct-key-route=false")
class ApiValidationThroughSpringTest extends ApiValidationTest {
}
