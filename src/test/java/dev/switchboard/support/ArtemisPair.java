package dev.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A live/backup pair of standalone Artemis 2.40.0 brokers from the Apache distribution (unpacked
 * by the build into {@code target/artemis-distribution}, system property {@code artemis.home}),
 * each its own process, so that one can be killed with SIGKILL as a machine failure would.
 *
 * <p>High availability by <b>shared store</b>: both brokers keep their journal in one directory, and
 * the backup takes over when it gets the journal's file lock, which the kernel frees the moment the
 * live broker's process dies. On one machine this is the simplest arrangement that is honest: the
 * backup serves exactly the messages the live one had committed (fsync'd, {@code journal-datasync}
 * on), with no replication window to reason about. Replication would need three live brokers for a
 * quorum to decide safely that the live one is gone (or a vote on replication failure); a pair
 * alone could split its brain. The restarted original takes the journal back (fail-back, the
 * default for shared store), which moves the clients once more.
 *
 * <p>The brokers listen on 127.0.0.1 only, require a login, and give the hub's addresses
 * ({@code switchboard.#}) a redelivery delay with unlimited delivery attempts, as an operator must
 * (Artemis's default of ten attempts without delay moves messages to {@code DLQ} during a database
 * outage of a few seconds).
 */
public final class ArtemisPair implements AutoCloseable {

    /** Settings of the hub's addresses: redelivered after 1 s doubling to 30 s, never given up. */
    static final String HUB_ADDRESS_SETTINGS = """
                  <address-setting match="switchboard.#">
                     <dead-letter-address>DLQ</dead-letter-address>
                     <redelivery-delay>1000</redelivery-delay>
                     <redelivery-delay-multiplier>2</redelivery-delay-multiplier>
                     <max-redelivery-delay>30000</max-redelivery-delay>
                     <max-delivery-attempts>-1</max-delivery-attempts>
                  </address-setting>
            """;

    /** One broker of the pair: its instance directory, port and, while it runs, its process. */
    public static final class Broker {
        private final String name;
        private final Path instance;
        private final int port;
        private Process process;
        private Path log;

        Broker(String name, Path instance, int port) {
            this.name = name;
            this.instance = instance;
            this.port = port;
        }

        public int port() {
            return port;
        }

        public boolean isRunning() {
            return process != null && process.isAlive();
        }

        public long pid() {
            return process.pid();
        }

        public String output() {
            try {
                return log == null ? "" : Files.readString(log);
            } catch (IOException e) {
                return "(no output: " + e.getMessage() + ")";
            }
        }

        void start() {
            log = instance.resolve("broker-" + System.currentTimeMillis() + ".log");
            ProcessBuilder builder = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // A small heap: the machine runs three hubs, a database and this pair at once.
            builder.environment().put("JAVA_ARGS_APPEND", "-Xms64m -Xmx384m");
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until the broker's log has the line, failing with the log if it exits first. */
        void awaitLog(String code, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (output().contains(code)) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("Broker " + name + " exited with " + process.exitValue() + ":\n" + output());
                }
                Thread.sleep(200);
            }
            throw new AssertionError("Broker " + name + " did not log " + code + " within " + timeout + ":\n" + output());
        }

        void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly().waitFor();
            }
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** AMQ221007: "Server is now active" (the primary). */
    static final String ACTIVE = "AMQ221007";
    /** AMQ221010: "Backup Server is now active": the backup took over. */
    static final String BACKUP_ACTIVE = "AMQ221010";
    /** AMQ221031: "backup announced": the backup is ready to take over. */
    static final String BACKUP_ANNOUNCED = "AMQ221031";

    private final Broker primary;
    private final Broker backup;
    private final String user;
    private final String password;

    private ArtemisPair(Broker primary, Broker backup, String user, String password) {
        this.primary = primary;
        this.backup = backup;
        this.user = user;
        this.password = password;
    }

    /**
     * Creates both instances under {@code directory} ({@code artemis create}, in parallel), with the
     * shared journal in {@code directory/shared}.
     */
    public static ArtemisPair create(Path directory, String user, String password) throws Exception {
        Path home = Path.of(System.getProperty("artemis.home", "target/artemis-distribution/apache-artemis-2.40.0"));
        if (!Files.isExecutable(home.resolve("bin/artemis"))) {
            throw new AssertionError("No Artemis distribution at " + home.toAbsolutePath()
                    + ": the build unpacks it in pre-integration-test (maven-dependency-plugin, execution artemis-distribution)");
        }
        Path shared = directory.resolve("shared").toAbsolutePath();
        Broker primary = new Broker("primary", directory.resolve("primary").toAbsolutePath(), HubProcess.freePort());
        Broker backup = new Broker("backup", directory.resolve("backup").toAbsolutePath(), HubProcess.freePort());
        List<Process> creating = new ArrayList<>();
        for (Broker broker : List.of(primary, backup)) {
            Broker other = broker == primary ? backup : primary;
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/artemis").toString(), "create",
                    broker.instance.toString(), "--silent", "--force", "--shared-store", "--failover-on-shutdown",
                    "--clustered", "--staticCluster", "tcp://127.0.0.1:" + other.port,
                    "--cluster-user", user + "-cluster", "--cluster-password", password,
                    "--host", "127.0.0.1", "--default-port", String.valueOf(broker.port),
                    "--data", shared.toString(), "--user", user, "--password", password, "--require-login",
                    "--name", broker.name, "--no-web", "--no-amqp-acceptor", "--no-mqtt-acceptor",
                    "--no-stomp-acceptor", "--no-hornetq-acceptor", "--nio", "--no-autotune"));
            if (broker == backup) {
                command.add("--backup");
            }
            Files.createDirectories(directory);
            creating.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("create-" + broker.name + ".log").toFile()).start());
        }
        for (Process process : creating) {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("artemis create failed: see " + directory.resolve("create-*.log"));
            }
        }
        for (Broker broker : List.of(primary, backup)) {
            Path xml = broker.instance.resolve("etc/broker.xml");
            String config = Files.readString(xml);
            if (!config.contains("<address-settings>")) {
                throw new AssertionError("No <address-settings> in " + xml);
            }
            Files.writeString(xml, config.replaceFirst("<address-settings>", "<address-settings>\n" + HUB_ADDRESS_SETTINGS));
        }
        return new ArtemisPair(primary, backup, user, password);
    }

    /** Starts the primary until it is active, then the backup until it has announced itself to it. */
    public ArtemisPair start(Duration timeout) throws InterruptedException {
        primary.start();
        primary.awaitLog(ACTIVE, timeout);
        backup.start();
        backup.awaitLog(BACKUP_ANNOUNCED, timeout);
        return this;
    }

    /**
     * Starts the primary alone, until it is active: a standalone broker (the backup stays down, and
     * clients reach the primary only). Its restarts are {@link #killPrimary()} and {@link #restartPrimary()}.
     */
    public ArtemisPair startPrimaryAlone(Duration timeout) throws InterruptedException {
        primary.start();
        primary.awaitLog(ACTIVE, timeout);
        return this;
    }

    /**
     * The URL a client of the pair uses: both brokers, failing over to the backup ({@code ha=true}),
     * and reconnecting without giving up ({@code reconnectAttempts=-1}), also on the first connection.
     */
    public String url() {
        return "(tcp://127.0.0.1:" + primary.port + ",tcp://127.0.0.1:" + backup.port + ")?ha=true"
                + "&reconnectAttempts=-1&initialConnectAttempts=-1&retryInterval=500&retryIntervalMultiplier=1.5"
                + "&maxRetryInterval=5000";
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Broker primary() {
        return primary;
    }

    public Broker backup() {
        return backup;
    }

    /** SIGKILL of the primary's JVM; the backup becomes active once it has the journal's lock. */
    public void killPrimary() throws InterruptedException {
        primary.kill();
    }

    /** Waits until the backup logs that it is active, i.e. took over from the primary. */
    public void awaitBackupActive(Duration timeout) throws InterruptedException {
        backup.awaitLog(BACKUP_ACTIVE, timeout);
    }

    /** Starts the killed primary again: it takes the journal back from the backup (fail-back). */
    public void restartPrimary() {
        primary.start();
    }

    /** Waits until the restarted primary is active again. */
    public void awaitPrimaryActive(Duration timeout) throws InterruptedException {
        primary.awaitLog(ACTIVE, timeout);
    }

    @Override
    public void close() throws InterruptedException {
        backup.stop();
        primary.stop();
    }
}
