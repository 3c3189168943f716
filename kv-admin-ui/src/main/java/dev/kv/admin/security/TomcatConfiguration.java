package dev.kv.admin.security;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Request lines Tomcat refuses itself are answered as problems by {@link ProblemErrorReportValve}. */
@Configuration
class TomcatConfiguration {

    @Bean
    TomcatContextCustomizer problemErrorReports() {
        return context -> ((StandardHost) context.getParent())
                .setErrorReportValveClass(ProblemErrorReportValve.class.getName());
    }
}
