package dev.kv.web.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Redis's protected mode for our services: a service reachable from other hosts (bound to anything but a loopback
 * address, which includes binding to every interface, Spring's default) must hold its guard — the cluster secret
 * for a node or a gateway, the login for the dashboard — or it refuses to start, saying what to set. Without the
 * guard, anyone who can reach the port could call the internal API, the admin API or the dashboard's changes.
 *
 * <p>{@value #SWITCH}{@code =false} turns the check off for experiments on a trusted network; the service then says
 * at start-up that it runs unguarded.
 */
public final class ProtectedMode {

    /** The switch; on unless set to {@code false}. */
    public static final String SWITCH = "kv.security.protected-mode";

    /** What gives a node or a gateway its guard. */
    public static final String CLUSTER_SECRET_SETTINGS =
            "a cluster secret (kv.cluster.secret-file / KV_CLUSTER_SECRET_FILE, or kv.cluster.secret)";

    private static final Logger log = LoggerFactory.getLogger(ProtectedMode.class);

    private ProtectedMode() {
    }

    /**
     * Refuses to go on when the service is reachable from elsewhere without its guard.
     *
     * @param service   what the service is, for the message ("the node")
     * @param guarded   whether its guard is configured
     * @param whatToSet the settings that give it its guard, for the message
     * @throws ProtectedModeException if the service must not start
     */
    public static void enforce(Environment environment, String service, boolean guarded, String whatToSet) {
        String address = environment.getProperty("server.address", "");
        if (guarded || isLoopback(address)) {
            return;
        }
        String where = address.isBlank() ? "every interface (server.address is not set)" : address;
        if (!environment.getProperty(SWITCH, Boolean.class, true)) {
            log.warn("{} listens on {} without {}: anyone who can reach it may use it ({}=false)", service, where,
                    whatToSet, SWITCH);
            return;
        }
        throw new ProtectedModeException(service, where, whatToSet);
    }

    /** Whether {@code address} is a loopback address; blank (every interface) and unresolvable ones are not. */
    public static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address.strip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The refusal, with what to set; {@link ProtectedModeFailureAnalyzer} prints it as Spring Boot's start failure. */
    public static final class ProtectedModeException extends IllegalStateException {

        private final String action;

        ProtectedModeException(String service, String where, String whatToSet) {
            super("protected mode: " + service + " would listen on " + where + " without " + whatToSet
                    + ", so anyone who can reach it could use it");
            this.action = "Set " + whatToSet + "; or bind to loopback only (server.address=127.0.0.1); or, on a "
                    + "trusted network for an experiment only, set " + SWITCH + "=false.";
        }

        public String action() {
            return action;
        }
    }
}
