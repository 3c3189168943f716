package dev.kv.web.limits;

import org.apache.catalina.Context;
import org.apache.catalina.Valve;

import java.util.Arrays;

/** Adding a valve to a context's pipeline. */
public final class Pipelines {

    private Pipelines() {
    }

    /**
     * Adds {@code valve} unless it is there already: Spring Boot may apply a {@code TomcatContextCustomizer} more than
     * once to the same context, and a limit applied twice would count every request twice.
     */
    public static void addOnce(Context context, Valve valve) {
        if (!Arrays.asList(context.getPipeline().getValves()).contains(valve)) {
            context.getPipeline().addValve(valve);
        }
    }
}
