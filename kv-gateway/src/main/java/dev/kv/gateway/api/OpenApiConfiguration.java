package dev.kv.gateway.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.Map;

/**
 * The served OpenAPI document. Spring maps keys with a catch-all pattern ({@code /v1/kv/**}) because keys may
 * contain {@code /}; the contract names it {@code /v1/kv/{key}} with the key as a path parameter, as in
 * {@code openapi.yaml}.
 */
@Configuration
class OpenApiConfiguration {

    @Bean
    OpenAPI kvOpenApi() {
        return new OpenAPI().info(new Info().title("kv gateway API").version("v1")
                .description("A Dynamo-style key-value store: tunable quorums, vector-clock or last-write-wins "
                        + "versions, TTL.")
                .license(new License().name("Apache-2.0")));
    }

    @Bean
    OpenApiCustomizer keyPathCustomizer() {
        return openApi -> {
            Paths renamed = new Paths();
            for (Map.Entry<String, PathItem> entry : openApi.getPaths().entrySet()) {
                if (entry.getKey().equals("/v1/kv/**")) {
                    PathItem item = entry.getValue();
                    for (Operation operation : item.readOperations()) {
                        var parameters = new ArrayList<Parameter>();
                        parameters.add(new Parameter().in("path").name("key").required(true)
                                .description("The key: 1 to 1024 bytes of UTF-8, percent-encoded; may contain '/'"
                                        + " but no empty, '.' or '..' segment")
                                .schema(new StringSchema()));
                        if (operation.getParameters() != null) {
                            parameters.addAll(operation.getParameters());
                        }
                        operation.setParameters(parameters);
                    }
                    renamed.addPathItem("/v1/kv/{key}", item);
                } else {
                    renamed.addPathItem(entry.getKey(), entry.getValue());
                }
            }
            openApi.setPaths(renamed);
            openApi.setServers(null);
        };
    }
}
