package dev.kv.it;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every JVM the tests started and have not yet seen exit. A shutdown hook kills whatever is still registered when
 * the test JVM exits (also after a failure that skipped the normal stop), by the {@link Process} handles held here
 * and never by name, so no process that someone else started is touched.
 */
final class ProcessRegistry {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "kv-it-process-reaper"));
    }

    private ProcessRegistry() {
    }

    static void register(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
    }
}
