package dev.kv.it;

import dev.kv.it.faults.Network;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real cluster on loopback: N storage-node JVMs and one gateway JVM started from the built executable jars, each
 * on a free port, each node with its own temporary data directory, all sharing a random cluster secret (each process
 * reading it from a file of its own). Logs go to
 * {@code target/cluster-logs/<name>/}. {@link #close()} stops every process it started and deletes the data; a JVM
 * shutdown hook covers the case where close is never reached.
 *
 * <p>Written in the spirit of jetcd's {@code EtcdCluster}: scenarios talk to {@link #gateway()} and
 * {@link #node(String)}, never to the processes directly.
 */
public final class KvCluster implements AutoCloseable {

    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(30);
    /** How often every process reads its secret file again. */
    public static final Duration SECRET_RELOAD_INTERVAL = Duration.ofMillis(250);

    private final Builder config;
    private final Path logDirectory;
    private final Path dataRoot;
    private final HttpClient http;
    private final List<KvNode> nodes = new ArrayList<>();
    private final List<KvProcess> extraGateways = new ArrayList<>();
    private final String seeds;
    private final Path secretFiles;
    private final KvProcess gatewayProcess;
    private final KvProcess dashboardProcess;
    private final GatewayClient gateway;
    private final Network network;
    private volatile String secret;
    private boolean closed;

    private KvCluster(Builder config, String name) throws IOException {
        this.config = config;
        this.logDirectory = logRoot().resolve(name);
        deleteRecursively(logDirectory);
        Files.createDirectories(logDirectory);
        this.dataRoot = Files.createTempDirectory("kv-it-" + name + "-");
        this.http = harnessClient(config);
        byte[] secretBytes = new byte[16];
        new SecureRandom().nextBytes(secretBytes);
        String secret = HexFormat.of().formatHex(secretBytes);
        this.secret = secret;
        this.secretFiles = Files.createDirectories(dataRoot.resolve("secrets"));
        // Data ports, then each process's management port, chosen together so that no two processes share one.
        // With a faulty network, also the port of the proxy in front of each node: members call that one.
        int processes = config.nodeCount + 2;
        this.network = config.faultyNetwork ? new Network() : null;
        List<Integer> allPorts = freePorts(2 * processes + (network != null ? config.nodeCount : 0));
        List<Integer> ports = allPorts.subList(0, processes);
        List<Integer> managementPorts = allPorts.subList(processes, 2 * processes);
        List<Integer> reachedAt = reachedAt(ports.subList(0, config.nodeCount), allPorts.subList(2 * processes,
                allPorts.size()));
        int gatewayPort = ports.get(config.nodeCount);
        // The first two nodes are the seeds of every node and of the gateway: membership is learned by gossip.
        String host = config.memberTls != null ? "https://127.0.0.1:" : "127.0.0.1:";
        String seeds = host + reachedAt.get(0) + (config.nodeCount > 1 ? "," + host + reachedAt.get(1) : "");
        this.seeds = seeds;
        List<String> initialMembers = new ArrayList<>();
        for (int i = 0; i < config.nodeCount; i++) {
            initialMembers.add("n" + (i + 1));
        }
        List<String> gatewayArguments = new ArrayList<>(List.of(
                "--server.port=" + gatewayPort, "--server.address=127.0.0.1",
                "--kv.gateway.conflict-mode=" + config.conflictMode,
                "--kv.gateway.replica-timeout=" + config.replicaTimeout.toMillis() + "ms",
                "--kv.gateway.seeds=" + seeds, management(managementPorts.get(config.nodeCount))));
        gatewayArguments.addAll(config.gatewayArguments);
        if (config.tls != null) {
            gatewayArguments.addAll(config.tls.serverArguments());
        }
        gatewayArguments.addAll(memberArguments("gateway", "kv-gateway", false));
        gatewayArguments.addAll(networkArguments("gateway", false, 0));
        for (int i = 0; i < config.nodeCount; i++) {
            String id = "n" + (i + 1);
            int port = ports.get(i);
            Path data = dataRoot.resolve(id);
            List<String> nodeArguments = new ArrayList<>(List.of(
                    "--server.port=" + port, "--server.address=127.0.0.1", "--kv.node.id=" + id,
                    "--kv.node.data-dir=" + data, "--kv.node.conflict-mode=" + config.conflictMode,
                    "--kv.gossip.seeds=" + seeds, management(managementPorts.get(i)),
                    "--kv.membership.initial-members=" + String.join(",", initialMembers)));
            nodeArguments.addAll(config.nodeArguments());
            nodeArguments.addAll(memberArguments(id, "kv-node-" + id, true));
            nodeArguments.addAll(networkArguments(id, true, reachedAt.get(i)));
            KvProcess process = new KvProcess(id, jar("kv.node.jar"), port, nodeArguments, environment(id),
                    logDirectory.resolve(id + ".log"), http);
            nodes.add(new KvNode(id, data, process, http, this::clusterSecret));
        }
        this.gatewayProcess = new KvProcess("gateway", jar("kv.gateway.jar"), gatewayPort, gatewayArguments,
                environment("gateway"), logDirectory.resolve("gateway.log"), http);
        List<String> dashboardArguments = new ArrayList<>(List.of("--server.port=" + ports.getLast(),
                "--server.address=127.0.0.1", "--kv.admin.gateway-url=" + gatewayUri(gatewayPort),
                management(managementPorts.getLast())));
        if (config.tls != null) {
            dashboardArguments.addAll(config.tls.dashboardArguments());
        }
        if (config.dashboard) {
            dashboardArguments.addAll(memberArguments("dashboard", "kv-admin", false));
        }
        this.dashboardProcess = !config.dashboard ? null : new KvProcess("dashboard", jar("kv.admin.jar"),
                ports.getLast(), dashboardArguments, environment("dashboard"),
                logDirectory.resolve("dashboard.log"), http);
        this.gateway = new GatewayClient(http, URI.create(gatewayUri(gatewayPort) + "/"), this::clusterSecret);
    }

    /** The harness's own HTTP client, trusting the cluster's TLS when it has some. */
    private static HttpClient harnessClient(Builder config) {
        HttpClient.Builder clients = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(GatewayClient.REQUEST_TIMEOUT);
        if (config.memberTls != null) {
            // The harness calls nodes as an operator's tool would under member TLS: with a member certificate.
            config.memberTls.issueMember("harness", "kv-admin");
            clients.sslContext(config.memberTls.memberContext("harness"));
        } else if (config.tls != null) {
            clients.sslContext(config.tls.clientContext());
        }
        return clients.build();
    }

    /**
     * Under member TLS, the arguments that make {@code name} a member with a certificate for {@code identity} from
     * the cluster's CA (issued now); none otherwise.
     */
    private List<String> memberArguments(String name, String identity, boolean node) {
        if (config.memberTls == null) {
            return List.of();
        }
        config.memberTls.issueMember(name, identity);
        return config.memberTls.memberArguments(name, config.allowedIdentities, node);
    }

    /** The port each node is called at: its own, or with a faulty network the proxy's, started now. */
    private List<Integer> reachedAt(List<Integer> nodePorts, List<Integer> proxyPorts) {
        if (network == null) {
            return nodePorts;
        }
        List<Integer> proxies = new ArrayList<>();
        for (int i = 0; i < nodePorts.size(); i++) {
            proxies.add(network.proxy("n" + (i + 1), proxyPorts.get(i), nodePorts.get(i)));
        }
        return proxies;
    }

    /**
     * With a faulty network: the loopback address {@code name}'s calls leave from (so the proxies know the caller)
     * and, for a node, the proxy's address it is reached at; nothing otherwise.
     */
    private List<String> networkArguments(String name, boolean node, int proxyPort) {
        if (network == null) {
            return List.of();
        }
        List<String> arguments = new ArrayList<>(List.of("--kv.cluster.source-address="
                + network.sourceAddress(name, node)));
        if (node) {
            arguments.add("--kv.gossip.advertise-address=http://127.0.0.1:" + proxyPort);
        }
        return arguments;
    }

    /** The network between the processes; only for a cluster built {@link Builder#withFaultyNetwork() so}. */
    public Network network() {
        if (network == null) {
            throw new IllegalStateException("this cluster was built without a faulty network");
        }
        return network;
    }

    /** The argument that puts a process's Actuator on {@code port} (loopback, as every test server). */
    private static String management(int port) {
        return "--management.server.port=" + port;
    }

    /** The gateway's base URL without a trailing slash: https when it serves TLS. */
    private String gatewayUri(int port) {
        return (config.tls != null ? "https" : "http") + "://127.0.0.1:" + port;
    }

    /** The cluster secret the harness's own calls send: the one every process was started with, until rotated. */
    public String clusterSecret() {
        return secret;
    }

    /** From now on the harness's own calls send {@code next} (a test that rotated the secret). */
    public void sendSecret(String next) {
        this.secret = next;
    }

    /**
     * The file the process {@code name} ({@code n1}, {@code gateway}, {@code dashboard}...) reads its cluster secret
     * from, again every {@link #SECRET_RELOAD_INTERVAL}: a test rotates the secret by writing it.
     */
    public Path secretFile(String name) {
        return secretFiles.resolve(name);
    }

    /**
     * As {@code ./kv up} does: the secret in a file named in the environment ({@code kv.cluster.secret-file}), never on
     * a command line ps shows; one file per process, so a test can rotate the members one at a time.
     */
    private java.util.Map<String, String> environment(String name) {
        try {
            Path file = secretFile(name);
            if (!Files.exists(file)) {
                Files.writeString(file, secret + "\n");
            }
            return java.util.Map.of("KV_CLUSTER_SECRET_FILE", file.toString(),
                    "KV_CLUSTER_SECRET_RELOAD_INTERVAL", SECRET_RELOAD_INTERVAL.toMillis() + "ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process ids of every running service (nodes, gateway, dashboard). */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        nodes.forEach(n -> pids.add(n.pid()));
        pids.add(gatewayProcess.pid());
        if (dashboardProcess != null) {
            pids.add(dashboardProcess.pid());
        }
        return pids;
    }

    public static Builder builder() {
        return new Builder();
    }

    public GatewayClient gateway() {
        return gateway;
    }

    /** The dashboard's base URL; only for a cluster built {@link Builder#withDashboard() with the dashboard}. */
    public java.net.URI dashboardUri() {
        if (dashboardProcess == null) {
            throw new IllegalStateException("this cluster was built without the dashboard");
        }
        return dashboardProcess.baseUri();
    }

    /** The node at {@code index} (0-based: {@code node(0)} is {@code n1}). */
    public KvNode node(int index) {
        return nodes.get(index);
    }

    public KvNode node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in " + nodes));
    }

    public List<KvNode> nodes() {
        return List.copyOf(nodes);
    }

    public String conflictMode() {
        return config.conflictMode;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** Log files of every process, for failure messages. */
    public List<Path> logFiles() {
        List<Path> files = new ArrayList<>();
        nodes.forEach(n -> files.add(n.logFile()));
        files.add(gatewayProcess.logFile());
        if (dashboardProcess != null) {
            files.add(dashboardProcess.logFile());
        }
        return files;
    }

    /** Writes a marker line (e.g. the test's name) into every process log. */
    public void mark(String text) {
        nodes.forEach(n -> n.process().mark(text));
        gatewayProcess.mark(text);
        if (dashboardProcess != null) {
            dashboardProcess.mark(text);
        }
    }

    private void start() {
        nodes.forEach(n -> n.process().launch());
        gatewayProcess.launch();
        if (dashboardProcess != null) {
            dashboardProcess.launch();
        }
        nodes.forEach(n -> n.process().awaitReady());
        gatewayProcess.awaitReady();
        if (dashboardProcess != null) {
            dashboardProcess.awaitReady();
        }
        awaitGatewaySeesAllNodesUp();
    }

    /**
     * Starts a node that is not an initial member, with the cluster's seeds and secret and the builder's node
     * arguments (plus {@code extraArguments}): it joins by itself. Does not wait; it becomes ready once it is normal.
     */
    public synchronized KvNode addNode(String id, String... extraArguments) {
        return addNode(id, memberArguments(id, "kv-node-" + id, true), extraArguments);
    }

    /**
     * As {@link #addNode(String, String...)}, with {@code memberArguments} in place of the member TLS arguments the
     * cluster would give it (a node with another CA's certificate, or an identity that is not a member's).
     */
    public synchronized KvNode addNode(String id, List<String> memberArguments, String... extraArguments) {
        return addNode(id, memberArguments, List.of(extraArguments), List.of());
    }

    /**
     * As {@link #addNode(String, String...)}, with {@code firstLaunchArguments} for its first run only: a failpoint a
     * joining node must crash at once, and not again when it is started to resume.
     */
    public synchronized KvNode addNodeFirstLaunchWith(String id, List<String> firstLaunchArguments) {
        return addNode(id, memberArguments(id, "kv-node-" + id, true), List.of(), firstLaunchArguments);
    }

    private KvNode addNode(String id, List<String> memberArguments, List<String> extraArguments,
                           List<String> firstLaunchArguments) {
        List<Integer> two = freePortPair();
        int port = two.getFirst();
        int reachedAt = network == null ? port : network.proxy(id, freePortPair().getFirst(), port);
        Path data = dataRoot.resolve(id);
        List<String> nodeArguments = new ArrayList<>(List.of(
                "--server.port=" + port, "--server.address=127.0.0.1", "--kv.node.id=" + id,
                "--kv.node.data-dir=" + data, "--kv.node.conflict-mode=" + config.conflictMode,
                "--kv.gossip.seeds=" + seeds, management(two.getLast())));
        nodeArguments.addAll(config.nodeArguments());
        nodeArguments.addAll(memberArguments);
        nodeArguments.addAll(networkArguments(id, true, reachedAt));
        nodeArguments.addAll(extraArguments);
        KvProcess process = new KvProcess(id, jar("kv.node.jar"), port, nodeArguments, environment(id),
                logDirectory.resolve(id + ".log"), http);
        KvNode node = new KvNode(id, data, process, http, this::clusterSecret);
        nodes.add(node);
        process.launch(firstLaunchArguments);
        return node;
    }

    /** The gateway's process and, when started, the dashboard's (for their management ports). */
    List<KvProcess> serviceProcesses() {
        List<KvProcess> processes = new ArrayList<>(List.of(gatewayProcess));
        if (dashboardProcess != null) {
            processes.add(dashboardProcess);
        }
        return processes;
    }

    /** kill -9 of {@code node}, which the cluster then forgets (a node a test started only to see it kept out). */
    public synchronized void discard(KvNode node) {
        node.process().kill();
        nodes.remove(node);
    }

    /** Starts one more gateway with the cluster's seeds and {@code arguments} (e.g. a slow view refresh). */
    public synchronized GatewayClient addGateway(String name, String... arguments) {
        List<Integer> two = freePortPair();
        int port = two.getFirst();
        List<String> gatewayArguments = new ArrayList<>(List.of(
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--kv.gateway.conflict-mode=" + config.conflictMode,
                "--kv.gateway.replica-timeout=" + config.replicaTimeout.toMillis() + "ms",
                "--kv.gateway.seeds=" + seeds, management(two.getLast())));
        gatewayArguments.addAll(config.gatewayArguments);
        if (config.tls != null) {
            gatewayArguments.addAll(config.tls.serverArguments());
        }
        gatewayArguments.addAll(memberArguments(name, "kv-gateway", false));
        gatewayArguments.addAll(networkArguments(name, false, 0));
        gatewayArguments.addAll(List.of(arguments));
        KvProcess process = new KvProcess(name, jar("kv.gateway.jar"), port, gatewayArguments, environment(name),
                logDirectory.resolve(name + ".log"), http);
        extraGateways.add(process);
        process.launch();
        process.awaitReady();
        return new GatewayClient(http, process.baseUri(), this::clusterSecret);
    }

    /** kill -9 of the gateway, then a start with the same configuration; waits until it is ready. */
    public void restartGateway() {
        gatewayProcess.kill();
        gatewayProcess.launch();
        gatewayProcess.awaitReady();
    }

    /**
     * Starts every node that is not running (after a test killed it) and waits until the gateway sees all of them
     * up again, so the next test begins with a whole cluster. Data written while a node was down stays missing on it
     * unless hinted handoff or anti-entropy brings it, which is why every test uses keys of its own.
     */
    public void heal() {
        if (network != null) {
            network.heal();
        }
        List<KvNode> stopped = nodes.stream().filter(n -> !n.isRunning()).toList();
        stopped.forEach(n -> n.process().launch());
        stopped.forEach(n -> n.process().awaitReady());
        if (!gatewayProcess.isRunning()) {
            gatewayProcess.launch();
            gatewayProcess.awaitReady();
        }
        awaitGatewaySeesAllNodesUp();
    }

    /**
     * Waits until the gateway's view (learned from gossip) has every node alive, so it tries coordinators in ring
     * order.
     */
    public void awaitGatewaySeesAllNodesUp() {
        await("the gateway sees all nodes alive").atMost(VIEW_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode members = gateway.cluster().get("members");
                    return members.size() == nodes.size() && members.valueStream()
                            .allMatch(m -> m.get("status").asString().equals("alive")
                                    && !m.get("circuitBreaker").asString().equals("open"));
                });
    }

    /** Waits until the gateway's view (gossip's judgement) has {@code node} down. */
    public void awaitGatewaySeesDown(KvNode node) {
        await("the gateway sees " + node.id() + " down").atMost(VIEW_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> gateway.cluster().get("members").valueStream()
                        .anyMatch(m -> m.get("id").asString().equals(node.id())
                                && m.get("status").asString().equals("down")));
    }

    /** Stops the gateway and all nodes (SIGTERM, SIGKILL after a bound) and deletes their data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (dashboardProcess != null) {
                dashboardProcess.requestStop();
            }
            gatewayProcess.requestStop();
            extraGateways.forEach(KvProcess::requestStop);
            nodes.forEach(n -> n.process().requestStop());
            if (dashboardProcess != null) {
                dashboardProcess.awaitStopped();
            }
            gatewayProcess.awaitStopped();
            extraGateways.forEach(KvProcess::awaitStopped);
            nodes.forEach(n -> n.process().awaitStopped());
        } finally {
            if (network != null) {
                network.close();
            }
            try {
                deleteRecursively(dataRoot);
            } catch (IOException e) {
                System.err.println("kv-it: could not delete " + dataRoot + ": " + e);
            }
            http.close();
        }
    }

    static Path logRoot() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "cluster-logs");
    }

    static Path jar(String property) {
        String location = System.getProperty(property);
        if (location == null) {
            throw new IllegalStateException("system property " + property + " is not set (surefire sets it)");
        }
        Path jar = Path.of(location).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvnw install -DskipTests "
                    + "-pl kv-node,kv-gateway -am)");
        }
        return jar;
    }

    /** Two distinct free ports: a data port and a management port. */
    private static List<Integer> freePortPair() {
        try {
            return freePorts(2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Distinct free loopback ports: all sockets are held open until every port is chosen. */
    static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** What cluster to start: 3 nodes in vector-clock mode with the gateway's default replica timeout unless told. */
    public static final class Builder {

        private int nodeCount = 3;
        private String conflictMode = "vector-clock";
        private Duration replicaTimeout = Duration.ofMillis(500);
        private final List<String> nodeArguments = new ArrayList<>();
        private final List<String> gatewayArguments = new ArrayList<>();
        private boolean dashboard;
        private boolean faultyNetwork;
        private TestTls tls;
        private TestTls memberTls;
        private String allowedIdentities;

        private Builder() {
        }

        /** Extra {@code --name=value} arguments for every node. */
        /** The node arguments, with a tombstone grace of an hour unless the test set one. */
        List<String> nodeArguments() {
            List<String> arguments = new ArrayList<>(nodeArguments);
            if (arguments.stream().noneMatch(a -> a.startsWith("--kv.expiry.tombstone-grace="))) {
                arguments.add("--kv.expiry.tombstone-grace=1h");
            }
            return arguments;
        }

        public Builder nodeArguments(String... arguments) {
            nodeArguments.addAll(List.of(arguments));
            return this;
        }

        /** Extra {@code --name=value} arguments for the gateway. */
        public Builder gatewayArguments(String... arguments) {
            gatewayArguments.addAll(List.of(arguments));
            return this;
        }

        /**
         * Switches off the mechanisms that repair replicas by themselves (hinted handoff, anti-entropy), for tests
         * that must see read repair alone at work.
         */
        public Builder withoutBackgroundRepair() {
            return nodeArguments("--kv.hints.enabled=false", "--kv.antientropy.enabled=false");
        }

        /**
         * Puts a proxy in front of every node and gives every process a loopback address of its own, so a test can
         * partition, delay or disturb any link ({@link KvCluster#network()}).
         */
        public Builder withFaultyNetwork() {
            this.faultyNetwork = true;
            return this;
        }

        /** Starts the dashboard (kv-admin-ui) too, pointed at the gateway, with the cluster secret. */
        public Builder withDashboard() {
            this.dashboard = true;
            return this;
        }

        /** The gateway serves TLS with {@code tls}'s certificate (reloaded when renewed); the dashboard trusts it. */
        public Builder gatewayTls(TestTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Member TLS: every node, the gateway and the dashboard present a certificate from {@code tls}'s CA (nodes
         * {@code kv-node-<id>}, gateways {@code kv-gateway}, the dashboard and the harness {@code kv-admin}) and admit
         * only {@code allowedIdentities}; nodes serve https and ask every client for its certificate.
         */
        public Builder memberTls(TestTls tls, String allowedIdentities) {
            this.memberTls = tls;
            this.allowedIdentities = allowedIdentities;
            return this;
        }

        public Builder nodes(int count) {
            this.nodeCount = count;
            return this;
        }

        public Builder conflictMode(String mode) {
            this.conflictMode = mode;
            return this;
        }

        public Builder replicaTimeout(Duration timeout) {
            this.replicaTimeout = timeout;
            return this;
        }

        /**
         * Starts the cluster and waits until it is ready; on failure stops whatever it started, then throws.
         *
         * @param name names the log directory {@code target/cluster-logs/<name>/} (the test class, usually)
         */
        public KvCluster start(String name) {
            KvCluster cluster;
            try {
                cluster = new KvCluster(this, name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                cluster.start();
                return cluster;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw new IllegalStateException("cluster '" + name + "' did not start; logs in "
                        + cluster.logDirectory().toAbsolutePath(), e);
            }
        }
    }
}
