package dev.kv.web.testsupport;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** Starting a service's whole context in a test. */
public final class Contexts {

    private Contexts() {
    }

    /**
     * The service's context, built in full with {@code settings} and then {@code arguments}, but with neither its data
     * nor its management port listening ({@code -1}): for what a service decides at start-up, without binding anything.
     */
    public static ConfigurableApplicationContext startWithoutListening(Class<?> application, List<String> settings,
                                                                       String... arguments) {
        List<String> all = new ArrayList<>(List.of("--server.port=-1", "--management.server.port=-1",
                "--spring.main.banner-mode=off"));
        all.addAll(settings);
        all.addAll(List.of(arguments));
        return new SpringApplicationBuilder(application).run(all.toArray(String[]::new));
    }
}
