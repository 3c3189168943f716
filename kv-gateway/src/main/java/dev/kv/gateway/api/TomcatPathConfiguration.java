package dev.kv.gateway.api;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat refuses {@code %2F} in paths with an HTML error page by default. Keys are percent-decoded by
 * {@link KeyPath}, so an encoded slash is just a slash in the key; Tomcat is told to pass it through untouched.
 * Request lines Tomcat still refuses itself are answered as problems by {@link ProblemErrorReportValve}.
 */
@Configuration
class TomcatPathConfiguration {

    @Bean
    TomcatConnectorCustomizer encodedSlashPassthrough() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    @Bean
    TomcatContextCustomizer problemErrorReports() {
        return context -> ((StandardHost) context.getParent())
                .setErrorReportValveClass(ProblemErrorReportValve.class.getName());
    }
}
