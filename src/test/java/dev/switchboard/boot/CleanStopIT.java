package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubProcess;

/**
 * The packaged hub on the embedded default, started and stopped as a supervisor does (SIGTERM):
 * its output holds no stack trace, no warning about a temporary session key, and none from Artemis
 * about a queue without a dead-letter or expiry address. Camel and the
 * consumers stop before the embedded database and broker, so nothing fails under them.
 */
class CleanStopIT {

    @Test
    void aStopsOutputHasNoStackTrace() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "clean-stop-");
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        int httpPort = HubProcess.freePort();
        Map<String, String> environment = Map.of("QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "SWITCHBOARD_EMBEDDED_BROKER_PORT", Integer.toString(HubProcess.freePort()),
                "SWITCHBOARD_EMBEDDED_AMQP_PORT", Integer.toString(HubProcess.freePort()));

        HubProcess hub = HubProcess.start(work, httpPort, environment).awaitReady(Duration.ofSeconds(90));
        hub.close();

        String output = hub.output();
        assertTrue(output.contains("switchboard stopped in"), output);
        List<String> traces = output.lines()
                .filter(line -> line.contains("Exception") || line.startsWith("\tat ") || line.startsWith("Caused by"))
                .toList();
        assertEquals(List.of(), traces, output);
        assertTrue(!output.contains("Encryption key was not specified"), output);
        // Every queue has a dead-letter and an expiry address: Artemis has nothing to warn about.
        assertEquals(List.of(), output.lines().filter(line -> line.contains("AMQ222165") || line.contains("AMQ222166"))
                .toList(), output);
    }
}
