package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubProcess;

/**
 * A misspelt key, of a source, a port or any other, and a value only a positive number means
 * (from the file or the environment) are the first thing the packaged hub prints, one line each
 * with its file and line (or its variable) and fix, and the hub exits at once: before the embedded database and broker start, so no
 * hundred lines of their log come first, and nothing is left running.
 */
class StartupMistakesIT {

    @Test
    void aMisspeltSettingAndASourceThatCannotWorkAreTheFirstLinesThenTheExit() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "startup-mistakes-");
        Path file = work.resolve("application.properties");
        Files.writeString(file, """
                # a webhook source with a typo, and a misspelt key of the runs
                switchboard.sources.billing.kind=webhook
                switchboard.sources.billing.signature=hmac-sha256
                switchboard.sources.billing.secret=billing-secret
                switchboard.sources.billing.max-bdoy=1M
                switchboard.runs.claim-timout=2m
                switchboard.ports.ledger.connector=http
                switchboard.ports.ledger.ulr=http://127.0.0.1:9/entries
                switchboard.retention.events=30
                switchboard.cdc.cluster=kubernets
                switchboard.sources.orders.kind=queue
                switchboard.sources.orders.address=orders.in
                switchboard.sources.orders.consumers=two
                switchboard.sources.orders.parked-adress=orders.parked
                """);
        int httpPort = HubProcess.freePort();
        // A value only a positive number means, given in the environment rather than the file.
        HubProcess hub = HubProcess.start(work, httpPort, Map.of("QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "SWITCHBOARD_RUNS_WORKERS", "0"));

        assertEquals(1, hub.awaitExit(Duration.ofSeconds(60)), hub.output());
        List<String> lines = hub.output().lines().toList();
        assertEquals(List.of(
                "Switchboard cannot start: 8 mistake(s) in its configuration",
                file.toAbsolutePath() + ":5: Source 'billing': unknown setting 'max-bdoy' for a webhook source (did you"
                        + " mean 'max-body'?); it takes content-type, event-id, event-type, kind, max-body, secret,"
                        + " secrets, signature, signature-encoding, signature-header, signature-prefix, tolerance",
                // Not hidden by the word where a number belongs, on the line before it.
                file.toAbsolutePath() + ":14: Source 'orders': unknown setting 'parked-adress' for a queue source"
                        + " (did you mean 'parked-address'?); it takes address, consumers, destination,"
                        + " event-id, event-type, kind, max-body, parked-address, publisher-password, subscription",
                file.toAbsolutePath() + ":8: Port 'ledger': unknown setting 'ulr' for the http connector (did you"
                        + " mean 'url'?); it takes auth, content-type, headers.*, http-version, method, password,"
                        + " retry.initial-delay, retry.max-attempts, retry.max-delay, timeout, token, url, username",
                file.toAbsolutePath() + ":6: unknown setting 'switchboard.runs.claim-timout' (did you mean"
                        + " 'switchboard.runs.claim-timeout'?): nothing reads it (docs/configuration.md lists every"
                        + " setting)",
                "environment variable SWITCHBOARD_RUNS_WORKERS: switchboard.runs.workers=0: must be a whole number of"
                        + " at least 1",
                file.toAbsolutePath() + ":9: switchboard.retention.events=30: '30' needs a unit, such as 30s, 30m,"
                        + " 30h or 30d",
                file.toAbsolutePath() + ":10: switchboard.cdc.cluster=kubernets: not one of file, kubernetes, database"
                        + " (did you mean 'kubernetes'?)",
                file.toAbsolutePath() + ":13: switchboard.sources.orders.consumers=two: not a whole number"),
                lines, hub.output());
        assertFalse(Files.exists(work.resolve("data/postgres")), "the embedded database never started");
    }

    @Test
    void aBrokerThatCannotStartLeavesNoEmbeddedDatabaseRunning() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "startup-broker-fails-");
        Files.writeString(work.resolve("application.properties"), "switchboard.embedded.broker-port=70000\n");
        int httpPort = HubProcess.freePort();
        HubProcess hub = HubProcess.start(work, httpPort, Map.of("QUARKUS_HTTP_PORT", Integer.toString(httpPort)));

        assertEquals(1, hub.awaitExit(Duration.ofSeconds(90)), hub.output());
        assertTrue(Files.exists(work.resolve("data/postgres")), "the database started before the broker failed");
        String folder = work.toAbsolutePath().toString();
        // The postmaster stops with the JVM's exit hook, not after: give it the moment it takes.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = ProcessHandle.allProcesses().map(process -> process.info().commandLine().orElse(""))
                    .filter(command -> command.contains(folder)).toList();
        } while (!left.isEmpty() && System.nanoTime() < deadline && pause());
        assertEquals(List.of(), left, "nothing of the failed start left running");
    }

    private static boolean pause() {
        try {
            Thread.sleep(250);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
