package dev.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.switchboard.boot.FreePorts;

/**
 * The packaged hub ({@code java -jar target/quarkus-app/quarkus-run.jar}) run as a user runs it:
 * its own process, a working directory holding the operator's application.properties.
 */
public final class HubProcess implements AutoCloseable {

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Ports for test servers (see {@link #freePort()}): from here up to the kernel's range for outgoing connections. */
    private static final int LOWEST_PORT = 10_000;

    private final Process process;
    private final Path log;
    private final int httpPort;

    private HubProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /**
     * @param environment its variables; one that sets {@code JAVA_TOOL_OPTIONS} (FloodIT's heap,
     *        ScaleOutIT's) runs with those options alone, the others also with the build's
     *        {@code switchboard.hub.java-options} (pom.xml: the JIT's first tier, for the suite's time)
     */
    public static HubProcess start(Path workingDirectory, int httpPort, Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!environment.containsKey("JAVA_TOOL_OPTIONS")) {
            Arrays.stream(System.getProperty("switchboard.hub.java-options", "").split("\\s+"))
                    .filter(option -> !option.isBlank()).forEach(command::add);
        }
        command.addAll(List.of("-jar", Path.of(System.getProperty("switchboard.jar")).toAbsolutePath().toString()));
        Path log = workingDirectory.resolve("hub-" + Instant.now().toEpochMilli() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            return new HubProcess(HubClassArchive.start(builder), log, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port nothing listens on now for a test's server, chosen below the range the kernel gives
     * outgoing connections their local ports from, for the reason {@link FreePorts} gives: a backup
     * broker taking over minutes after its port was chosen found it taken. Below it, not above it
     * where {@link FreePorts} picks for the hubs' own embedded servers, so the two never meet. Never
     * the same port twice in one JVM.
     */
    public static int freePort() {
        return FreePorts.pickBetween(LOWEST_PORT, FreePorts.outgoing().from() - 1);
    }

    /** The hub's JVM, for jcmd. */
    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** One look at readiness: true when it answers 200 within five seconds. */
    public boolean ready() {
        try {
            return PROBE.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until readiness answers 200, failing with the hub's output if it exits first. */
    public HubProcess awaitReady(Duration timeout) throws InterruptedException {
        return awaitHealth("/q/health/ready", timeout);
    }

    /** Waits until liveness answers 200: started, whether or not everything it needs is up. */
    public HubProcess awaitLive(Duration timeout) throws InterruptedException {
        return awaitHealth("/q/health/live", timeout);
    }

    private HubProcess awaitHealth(String path, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("The hub exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> ready = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The hub's " + path + " did not answer 200 within " + timeout + ":\n" + output());
    }

    /** Waits for the process to end on its own, returning its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The hub did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Ends the hub as a crash would, with SIGKILL: nothing of it runs to completion. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops the hub as a supervisor would, with SIGTERM, and waits for it to finish. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
