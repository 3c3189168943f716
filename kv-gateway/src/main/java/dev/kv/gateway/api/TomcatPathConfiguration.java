package dev.kv.gateway.api;

import dev.kv.web.ProblemErrorReportValve;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat refuses {@code %2F} in paths with an HTML error page by default. Keys are percent-decoded by
 * {@link KeyPath}, so an encoded slash is just a slash in the key; Tomcat is told to pass it through untouched.
 * Request lines Tomcat still refuses itself are answered as problems by {@link GatewayErrorReportValve}.
 */
@Configuration
class TomcatPathConfiguration {

    @Bean
    TomcatConnectorCustomizer encodedSlashPassthrough() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    @Bean
    TomcatContextCustomizer problemErrorReports() {
        return ProblemErrorReportValve.installing(GatewayErrorReportValve.class);
    }
}
