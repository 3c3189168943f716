package dev.kv.web.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail (logger {@code kv.audit}): a line for every refused request and every admin operation, with who
 * (the client's name, the holder of the cluster secret, or the source address of an unknown caller), what (method and
 * path, never the query or a header) and how it ended. The time is the log line's. Never a credential.
 */
public final class AuditLog {

    private static final Logger audit = LoggerFactory.getLogger("kv.audit");

    private AuditLog() {
    }

    public static void refused(String who, String method, String path, int status, String why) {
        audit.info("refused who={} what=\"{} {}\" status={} why=\"{}\"", who, method, printable(path), status, why);
    }

    /** An admin operation; a change at INFO, a read at DEBUG. */
    public static void admin(String who, String method, String path, int status, boolean change) {
        if (change) {
            audit.info("admin who={} what=\"{} {}\" status={}", who, method, printable(path), status);
        } else if (audit.isDebugEnabled()) {
            audit.debug("admin who={} what=\"{} {}\" status={}", who, method, printable(path), status);
        }
    }

    /** The path as one safe token: control characters and quotes escaped, so a path cannot forge a log line. */
    private static String printable(String path) {
        StringBuilder out = new StringBuilder(Math.min(path.length(), 512));
        for (int i = 0; i < path.length() && i < 512; i++) {
            char c = path.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? String.format("\\x%02x", (int) c) : c);
        }
        return out.toString();
    }
}
