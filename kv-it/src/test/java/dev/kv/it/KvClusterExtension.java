package dev.kv.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starts one {@link KvCluster} per test class (in the spirit of jetcd's {@code EtcdClusterExtension}) and stops it
 * after the last test, so the JVM start-up cost is paid once per class. Register it on a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder().conflictMode("lww"));
 * </pre>
 *
 * After each test every killed node is started again, so tests that kill nodes cannot break the ones after them.
 * Each test's name is written into every process log, and a failing test prints where the logs are.
 */
public final class KvClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, TestWatcher {

    private final KvCluster.Builder builder;
    private KvCluster cluster;

    public KvClusterExtension() {
        this(KvCluster.builder());
    }

    public KvClusterExtension(KvCluster.Builder builder) {
        this.builder = builder;
    }

    public KvCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster is started before the first test of the class");
        }
        return cluster;
    }

    public GatewayClient gateway() {
        return cluster().gateway();
    }

    public KvNode node(String id) {
        return cluster().node(id);
    }

    public KvNode node(int index) {
        return cluster().node(index);
    }

    public List<KvNode> nodes() {
        return cluster().nodes();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = builder.start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster().mark("test " + context.getDisplayName() + " [" + context.getUniqueId() + "]");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        cluster().mark("end of test " + context.getDisplayName());
        cluster().heal();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (cluster == null) {
            return;
        }
        StringBuilder text = new StringBuilder("kv-it: test '").append(context.getDisplayName())
                .append("' failed; cluster logs in ").append(cluster.logDirectory().toAbsolutePath());
        for (Path file : cluster.logFiles()) {
            text.append(System.lineSeparator()).append("  ").append(file.toAbsolutePath());
        }
        System.err.println(text);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testFailed(context, cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // Nothing ran, nothing to point at.
    }
}
