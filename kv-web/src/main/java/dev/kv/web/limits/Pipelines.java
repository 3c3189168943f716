package dev.kv.web.limits;

import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import java.util.Arrays;

/**
 * Valves of a service's data port. Why not a {@code TomcatContextCustomizer} bean: Spring Boot applies those to every
 * Tomcat of the application, the management port's too (its child context sees the parent's beans), so a data path
 * valve would serve data on the management port, or one valve instance would sit in two pipelines and send the data
 * port's requests on to the management port's (404). A {@link WebServerFactoryCustomizer} bean is applied only to
 * the factory of its own context.
 */
public final class Pipelines {

    private Pipelines() {
    }

    /**
     * Puts {@code valve} in the data port's pipeline, at {@code order} among the others put there this way (lower
     * first); once, however often the factory applies its context customizers.
     */
    public static WebServerFactoryCustomizer<TomcatServletWebServerFactory> onDataPort(int order, Valve valve) {
        return new DataPortValve(order, valve);
    }

    private record DataPortValve(int order, Valve valve)
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(this::addOnce);
        }

        private void addOnce(Context context) {
            if (!Arrays.asList(context.getPipeline().getValves()).contains(valve)) {
                context.getPipeline().addValve(valve);
            }
        }

        @Override
        public int getOrder() {
            return order;
        }
    }
}
