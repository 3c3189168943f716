package dev.kv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * One service JVM (a node or the gateway) started from its executable jar on a fixed loopback port. Its stdout and
 * stderr go to one log file that every restart appends to, so a failing test's log shows the whole history. The
 * process is only ever stopped through the {@link Process} handle held here.
 */
final class KvProcess {

    /** JVM flags that keep each service small and cheap to start on a shared 2-core machine. */
    static final List<String> JVM_FLAGS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-XX:-UsePerfData");
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;
    private static final String MANAGEMENT_PORT_ARGUMENT = "--management.server.port=";

    private final String name;
    private final Path jar;
    private final int port;
    private final int managementPort;
    private final List<String> arguments;
    private final Path logFile;
    private final HttpClient http;
    private final java.util.Map<String, String> environment;
    private Process process;

    KvProcess(String name, Path jar, int port, List<String> arguments, Path logFile, HttpClient http) {
        this(name, jar, port, arguments, java.util.Map.of(), logFile, http);
    }

    /** A process configured (also) through environment variables, as Kubernetes configures the services. */
    KvProcess(String name, Path jar, int port, List<String> arguments, java.util.Map<String, String> environment,
              Path logFile, HttpClient http) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        // Actuator answers on a management port of its own: the one configured, else a free one, kept for restarts.
        String configured = arguments.stream().filter(a -> a.startsWith(MANAGEMENT_PORT_ARGUMENT))
                .map(a -> a.substring(MANAGEMENT_PORT_ARGUMENT.length())).findFirst()
                .orElse(environment.get("MANAGEMENT_SERVER_PORT"));
        List<String> all = new ArrayList<>(arguments);
        if (configured == null) {
            this.managementPort = freePort();
            all.add(MANAGEMENT_PORT_ARGUMENT + managementPort);
            all.add("--management.server.address=127.0.0.1");
        } else {
            this.managementPort = Integer.parseInt(configured);
        }
        this.arguments = List.copyOf(all);
        this.environment = java.util.Map.copyOf(environment);
        this.logFile = logFile;
        this.http = http;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    /** Actuator's base URL (health, Prometheus), on the management port. */
    URI managementUri() {
        return URI.create("http://127.0.0.1:" + managementPort + "/");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data port's base URL: https when the process serves TLS there. */
    URI baseUri() {
        boolean tls = arguments.stream().anyMatch(a -> a.startsWith("--server.ssl.bundle="));
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/");
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Launches the JVM without waiting for it; see {@link #awaitReady()}. */
    synchronized void launch() {
        launch(List.of());
    }

    /**
     * As {@link #launch()}, with {@code extraArguments} after the process's own, for this run of it only. An extra
     * {@code --name=value} replaces the process's own setting of that name (Spring would join the two with a comma).
     */
    synchronized void launch(List<String> extraArguments) {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        // As ./kv up does: files the service creates (RocksDB, its data directory) are its user's alone.
        command.addAll(List.of("sh", "-c", "umask 077 && exec \"$@\"", name));
        command.add(javaExecutable());
        command.addAll(JVM_FLAGS);
        command.add("-Dkv.it.process=" + name);
        command.add("-jar");
        command.add(jar.toString());
        List<String> overridden = extraArguments.stream().filter(a -> a.startsWith("--") && a.contains("="))
                .map(a -> a.substring(0, a.indexOf('=') + 1)).toList();
        arguments.stream().filter(a -> overridden.stream().noneMatch(a::startsWith)).forEach(command::add);
        command.addAll(extraArguments);
        mark("starting " + name + " on port " + port + (extraArguments.isEmpty() ? "" : " with " + extraArguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // Only what the test gives: a secret exported in the shell that runs the tests must not reach a member.
            builder.environment().keySet().removeIf(variable -> variable.startsWith("KV_"));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        ProcessRegistry.register(process);
    }

    /** Waits until the readiness probe answers UP; fails at once, with the log's tail, if the JVM exits. */
    void awaitReady() {
        await(name + " ready on port " + port + " (log " + logFile.toAbsolutePath() + ")")
                .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(this::isReady);
    }

    private boolean isReady() {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(name + " exited before it was ready (exit code "
                    + (current == null ? "?" : current.exitValue()) + "); last lines of "
                    + logFile.toAbsolutePath() + ":\n" + tail());
        }
        HttpRequest request = HttpRequest.newBuilder(managementUri().resolve("actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends it), then waits until the process is gone. */
    void kill() {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current == null || !current.isAlive()) {
            return;
        }
        mark("SIGKILL " + name + " (pid " + current.pid() + ")");
        current.destroyForcibly();
        awaitExit(current, STOP_TIMEOUT);
    }

    /** Asks the JVM to stop (SIGTERM) without waiting; {@link #awaitStopped()} waits and escalates to SIGKILL. */
    void requestStop() {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current != null && current.isAlive()) {
            mark("SIGTERM " + name + " (pid " + current.pid() + ")");
            current.destroy();
        }
    }

    void awaitStopped() {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current == null) {
            return;
        }
        if (!awaitExit(current, STOP_TIMEOUT)) {
            current.destroyForcibly();
            awaitExit(current, STOP_TIMEOUT);
        }
    }

    private boolean awaitExit(Process target, Duration timeout) {
        try {
            target.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !target.isAlive();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a marker line into the log; the JVM appends to the same file, so the history stays in order. */
    void mark(String text) {
        try {
            Files.writeString(logFile, "=== kv-it " + Instant.now() + " " + text + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The JDK running the tests starts the services too, so they run on the same Java version. */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
