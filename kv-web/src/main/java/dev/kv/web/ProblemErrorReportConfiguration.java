package dev.kv.web;

import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * For a service to {@code @Import}: request lines Tomcat refuses itself are answered as {@code about:blank} problems
 * by {@link ProblemErrorReportValve}. A service with its own valve registers {@link ProblemErrorReportValve#installing}
 * itself instead.
 */
@Configuration(proxyBeanMethods = false)
public class ProblemErrorReportConfiguration {

    @Bean
    TomcatContextCustomizer problemErrorReports() {
        return ProblemErrorReportValve.installing(ProblemErrorReportValve.class);
    }
}
