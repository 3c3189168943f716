package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.web.runtime.SystemSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The cluster secret a service holds now: fixed by configuration, or read from a file and read again every
 * {@code interval}, so that a rotated Kubernetes Secret (a mounted file that the kubelet swaps in place) or an edited
 * {@code .kv-data/cluster-secret} takes effect without a restart (see {@link ClusterSecret} for the rotation).
 *
 * <p>A file that cannot be read, holds no value or a value that cannot travel in a header leaves the secret as it
 * was, with a warning: a member never falls back to having no secret, which would open its internal API. Values are
 * never logged.
 */
public final class LiveClusterSecret implements Supplier<ClusterSecret>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveClusterSecret.class);

    private final Path file;
    private final ScheduledExecutorService reloader;
    private volatile ClusterSecret current;
    private volatile long loadedAtMillis = SystemSources.wallMillis();
    private byte[] lastRead;
    private String lastProblem;

    private LiveClusterSecret(ClusterSecret fixed) {
        this.file = null;
        this.reloader = null;
        this.current = fixed;
    }

    private LiveClusterSecret(Path file, Duration interval) {
        this.file = file;
        String problem = reload();
        if (current == null) {
            throw new IllegalStateException("kv.cluster.secret-file " + file + ": " + problem);
        }
        this.reloader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("cluster-secret-reload").factory());
        long millis = Math.max(1, interval.toMillis());
        reloader.scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** A secret that never changes (an empty one: no secret). */
    public static LiveClusterSecret fixed(ClusterSecret secret) {
        return new LiveClusterSecret(secret);
    }

    /**
     * The secret in {@code file}, read again every {@code interval}.
     *
     * @throws IllegalStateException if the file cannot be read now or holds no usable secret
     */
    public static LiveClusterSecret fromFile(Path file, Duration interval) {
        return new LiveClusterSecret(file, interval);
    }

    @Override
    public ClusterSecret get() {
        return current;
    }

    /**
     * When the secret held now was loaded (epoch milliseconds): an operator rotating it waits until every member's is
     * later than the moment the file changed ({@code kv_cluster_secret_loaded_seconds}).
     */
    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    /** Reads the file; a change with at least one usable value replaces the secret. Answers what was wrong, if any. */
    private synchronized String reload() {
        byte[] read;
        try {
            read = Files.readAllBytes(file);
        } catch (IOException e) {
            return refused("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (Arrays.equals(read, lastRead)) {
            return null;
        }
        ClusterSecret secret;
        try {
            secret = ClusterSecret.of(new String(read, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        if (!secret.isConfigured()) {
            return refused("holds no secret");
        }
        lastRead = read;
        lastProblem = null;
        if (current == null || !secret.sameAs(current)) {
            boolean first = current == null;
            current = secret;
            loadedAtMillis = SystemSources.wallMillis();
            if (!first) {
                log.info("cluster secret reloaded from {}: {} value(s) accepted, the first one sent", file,
                        secret.size());
            }
        }
        return null;
    }

    private String refused(String problem) {
        if (current != null && !problem.equals(lastProblem)) {
            log.warn("kv.cluster.secret-file {} {}: keeping the secret held so far", file, problem);
        }
        lastProblem = problem;
        lastRead = null;
        return problem;
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
