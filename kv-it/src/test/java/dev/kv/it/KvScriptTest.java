package dev.kv.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.kv.it.StubGateway.cluster;
import static dev.kv.it.StubGateway.member;
import static dev.kv.it.StubGateway.transition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./kv} launcher's membership commands (join, decommission, remove, cleanup, status, down) against a stub
 * gateway that answers {@code /v1/cluster} and the admin endpoints as the contract says, so no cluster JVM starts:
 * what the script sends (path, cluster secret header), what it prints (progress, problem detail) and when it stops
 * waiting. Node processes are stand-ins ({@code sleep} named like a launched service) with pid files.
 */
class KvScriptTest {

    private static final String SECRET = "kv-script-test-secret-0123456789";
    private static final Path SCRIPT = Path.of(System.getProperty("kv.script", "../kv")).toAbsolutePath().normalize();

    @TempDir
    Path data;

    private StubGateway gateway;
    private final List<Process> standIns = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        gateway = new StubGateway(SECRET, cluster("null"));
        Files.writeString(data.resolve("cluster-secret"), SECRET);
    }

    @AfterEach
    void stop() {
        gateway.close();
        standIns.forEach(Process::destroyForcibly);
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run kv(String... args) throws Exception {
        return kv(Map.of(), args);
    }

    private Run kv(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.remove("KV_CLUSTER_SECRET");
        env.put("KV_JAVA_HOME", System.getProperty("java.home"));
        env.put("KV_DATA_DIR", data.toString());
        env.put("KV_GATEWAY_URL", gateway.url());
        env.put("KV_POLL_INTERVAL", "0.05");
        env.put("KV_WAIT_TIMEOUT", "30s");
        env.putAll(extraEnv);
        Path out = Files.createTempFile(data, "out", ".txt");
        Path err = Files.createTempFile(data, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./kv %s finished", String.join(" ", args)).isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A process that ./kv takes for its service {@code name}: its command line carries -Dkv.launcher.name=name. */
    private Process standIn(String name) throws IOException {
        Process process = new ProcessBuilder("bash", "-c",
                "exec -a 'java -Dkv.launcher.name=" + name + " -jar stand-in.jar' sleep 300").start();
        standIns.add(process);
        Files.createDirectories(data.resolve("run"));
        Files.writeString(data.resolve("run").resolve(name + ".pid"), process.pid() + "\n");
        return process;
    }

    @Test
    void theScriptParses() throws Exception {
        Process process = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** The awk program between {@code NAME='} and the line {@code }'}, as a shell script defines it. */
    private static String awkProgram(Path script, String name) throws IOException {
        String text = Files.readString(script);
        int start = text.indexOf("\n" + name + "='");
        assertThat(start).as("%s defines %s", script, name).isNotNegative();
        int end = text.indexOf("\n}'\n", start);
        return text.substring(start + name.length() + 3, end + 3);
    }

    @Test
    void theLauncherAndTheChartsScaleDownHookParseJsonWithTheSameProgram() throws IOException {
        String launcher = awkProgram(SCRIPT, "JSON_FLATTEN");
        String hook = awkProgram(HelmChart.chart().resolve("files/scale-down.sh"), "FLATTEN");

        assertThat(launcher).contains("function string(").hasSizeGreaterThan(500).isEqualTo(hook);
    }

    @Test
    void nodeCommandsRefuseABadNameWithUsageAndCallNothing() throws Exception {
        for (String command : List.of("join", "decommission", "remove")) {
            for (String name : List.of("", "n0", "n01", "4", "node4", "n4x", "n900", "gateway")) {
                Run run = name.isEmpty() ? kv(command) : kv(command, name);
                assertThat(run.exit()).as("./kv %s '%s': %s", command, name, run.all()).isEqualTo(2);
                assertThat(run.err()).contains("usage: ./kv " + command + " nN").contains("7100+N");
            }
        }
        assertThat(gateway.requests).isEmpty();
        assertThat(data.resolve("run")).doesNotExist();
    }

    @Test
    void decommissionPostsWithTheSecretPrintsProgressUntilLeftThenStopsTheNodeAndForgetsIt() throws Exception {
        Process n5 = standIn("n5");
        Files.writeString(data.resolve("nodes"), "n1\nn2\nn3\nn4\nn5\n");
        gateway.clusterViews(
                cluster(transition("decommission", "n5", 1, 4, 10_485_760, "61"), member("n1", "normal"),
                        member("n5", "leaving")),
                cluster(transition("decommission", "n5", 3, 4, 31_457_280, "null"), member("n1", "normal"),
                        member("n5", "leaving")),
                cluster("null", member("n1", "normal"), member("n5", "left")));

        Run run = kv("decommission", "n5");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/nodes/n5/decommission secret=" + SECRET);
        assertThat(run.out()).contains("decommissioning n5 (topology 10:n5)")
                .contains("n5   leaving   decommission of n5: ranges 1/4, 1000 keys, 10.0 MB, 32.0 MB/s, ETA 1m01s")
                .contains("ranges 3/4, 3000 keys, 30.0 MB, 32.0 MB/s, ETA unknown")
                .contains("n5   left")
                .contains("stopped n5 (pid " + n5.pid() + ")")
                .contains("n5 has left the cluster and is stopped");
        assertThat(n5.waitFor(20, TimeUnit.SECONDS)).as("the stand-in of n5 was stopped").isTrue();
        assertThat(data.resolve("run/n5.pid")).doesNotExist();
        assertThat(Files.readAllLines(data.resolve("nodes"))).containsExactly("n1", "n2", "n3", "n4");
    }

    @Test
    void aRefusedDecommissionPrintsTheProblemDetailAndFails() throws Exception {
        gateway.refuseAll(409, """
                {"type":"urn:kv:problem:membership-change-refused","title":"Membership change refused","status":409,
                 "detail":"n3 cannot be decommissioned: fewer than 3 normal members would remain"}""");

        Run run = kv("decommission", "n3");

        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("POST /admin/v1/nodes/n3/decommission refused (HTTP 409): "
                + "n3 cannot be decommissioned: fewer than 3 normal members would remain");
        assertThat(gateway.requests).noneMatch(r -> r.startsWith("GET"));
    }

    @Test
    void anUnknownOutcomeIsCheckedInTheClusterViewAndFollowedWhenTheChangeWasMade() throws Exception {
        Process n5 = standIn("n5");
        Files.writeString(data.resolve("nodes"), "n1\nn2\nn3\nn4\nn5\n");
        gateway.onPost("/admin/v1/nodes/n5/decommission", 504, """
                {"type":"urn:kv:problem:outcome-unknown","title":"Outcome unknown","status":504,
                 "detail":"the node was asked to change n5 but did not answer; the change may have been made"}""",
                cluster(transition("decommission", "n5", 1, 4, 10_485_760, "61"), member("n5", "leaving")),
                cluster("null", member("n1", "normal"), member("n5", "left")));

        Run run = kv("decommission", "n5");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.err()).contains("the change may have been made");
        assertThat(run.out()).contains("decommissioning n5").contains("n5 has left the cluster and is stopped");
        assertThat(n5.waitFor(20, TimeUnit.SECONDS)).as("the stand-in of n5 was stopped").isTrue();
    }

    @Test
    void anUnknownOutcomeOfAChangeThatWasNotMadeFailsSayingSo() throws Exception {
        gateway.onPost("/admin/v1/nodes/n5/decommission", 504, """
                {"type":"urn:kv:problem:outcome-unknown","title":"Outcome unknown","status":504,
                 "detail":"the node did not answer"}""",
                cluster("null", member("n1", "normal"), member("n5", "normal")));

        Run run = kv("decommission", "n5");

        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("n5 is not leaving: the decommission was not made; ask again");
    }

    @Test
    void aWrongSecretIsReportedAsSuch() throws Exception {
        Files.writeString(data.resolve("cluster-secret"), "not-the-secret");

        Run run = kv("cleanup");

        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("refused the cluster secret (401)");
    }

    @Test
    void whileTheSecretIsRotatedTheFirstListedValueIsSent() throws Exception {
        Files.writeString(data.resolve("cluster-secret"), "\n " + SECRET + "\nthe-next-secret\n");

        Run run = kv("cleanup");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/cleanup secret=" + SECRET);
    }

    @Test
    void removeWaitsUntilTheNodeIsRemovedAndARefusalNamesTheReason() throws Exception {
        gateway.clusterViews(
                cluster(transition("remove", "n4", 2, 8, 1_048_576, "5"), member("n1", "normal"),
                        member("n4", "normal")),
                cluster("null", member("n1", "normal"), member("n4", "removed")));

        Run run = kv("remove", "n4");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/nodes/n4/remove secret=" + SECRET);
        assertThat(run.out()).contains("removing n4 (topology 10:n4)").contains("remove of n4: ranges 2/8")
                .contains("n4   removed").contains("n4 is removed");

        gateway.refuseAll(409, """
                {"title":"Conflict","status":409,"detail":"n2 is alive: decommission it instead"}""");
        Run refused = kv("remove", "n2");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("(HTTP 409): n2 is alive: decommission it instead");
    }

    @Test
    void cleanupPostsTheCleanupEndpoint() throws Exception {
        Run run = kv("cleanup");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/cleanup secret=" + SECRET);
        assertThat(run.out()).contains("cleanup started");
    }

    @Test
    void aWaitGivesUpAfterTheTimeoutWithAClearMessage() throws Exception {
        gateway.clusterViews(cluster(transition("decommission", "n5", 1, 4, 0, "600"), member("n5", "leaving")));

        Run run = kv(Map.of("KV_WAIT_TIMEOUT", "1s"), "decommission", "n5");

        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("n5 is still leaving after 1 s, not left");

        Run unreadable = kv(Map.of("KV_WAIT_TIMEOUT", "soon"), "decommission", "n5");
        assertThat(unreadable.exit()).isEqualTo(1);
        assertThat(unreadable.err()).contains("KV_WAIT_TIMEOUT must be seconds or a duration like 90s, 30m or 2h");
        assertThat(gateway.posts()).as("nothing asked of the cluster with an unreadable timeout").hasSize(1);
    }

    @Test
    void joinWithoutARunningGatewayFailsBeforeStartingAnything() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Run run = kv(Map.of("KV_GATEWAY_URL", "http://127.0.0.1:" + closedPort), "join", "n4");

        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("does not answer: start the cluster first (./kv up)");
        assertThat(data.resolve("run")).doesNotExist();
        assertThat(data.resolve("nodes")).doesNotExist();
    }

    @Test
    void statusShowsEveryNodeWithAPidFileAndItsMembershipStateAndDownStopsIt() throws Exception {
        Process n7 = standIn("n7");
        gateway.clusterViews(cluster(transition("join", "n7", 5, 64, 52_428_800, "125"), member("n1", "normal"),
                member("n2", "normal"), member("n3", "leaving"), member("n7", "joining")));

        Run status = kv("status");

        assertThat(status.exit()).as(status.all()).isZero();
        List<String> lines = status.out().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  n1 ").contains("stopped").endsWith("normal"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  n3 ").endsWith("leaving"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  n7 ").contains("running, not ready")
                .contains("pid " + n7.pid()).contains("http://127.0.0.1:7107").endsWith("joining"));
        assertThat(status.out())
                .contains("topology 9:n5: join of n7: ranges 5/64, 5000 keys, 50.0 MB, 32.0 MB/s, ETA 2m05s");

        Run down = kv("down");

        assertThat(down.exit()).as(down.all()).isZero();
        assertThat(down.out()).contains("stopped n7 (pid " + n7.pid() + ")");
        assertThat(n7.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve("run/n7.pid")).doesNotExist();
    }
}
