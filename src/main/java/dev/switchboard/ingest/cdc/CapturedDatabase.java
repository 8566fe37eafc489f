package dev.switchboard.ingest.cdc;

import java.util.Optional;
import java.util.Properties;

import org.postgresql.Driver;

import dev.switchboard.core.SecretMask;

/** The PostgreSQL server and database a CDC source reads the changes of, from a JDBC URL. */
public record CapturedDatabase(String jdbcUrl, String host, int port, String dbname, String user, String password) {

    public static CapturedDatabase of(String jdbcUrl, Optional<String> user, Optional<String> password) {
        Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            // Masked: a URL the driver cannot read may still hold a user and password.
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + SecretMask.text(jdbcUrl));
        }
        // A URL may list several hosts for failover; logical replication follows the first (the primary).
        String host = parsed.getProperty("PGHOST").split(",")[0];
        String port = parsed.getProperty("PGPORT", "5432").split(",")[0];
        return new CapturedDatabase(jdbcUrl, host, Integer.parseInt(port), parsed.getProperty("PGDBNAME"),
                user.or(() -> Optional.ofNullable(parsed.getProperty("user"))).orElse("postgres"),
                password.or(() -> Optional.ofNullable(parsed.getProperty("password"))).orElse(""));
    }

    /** host:port/dbname, for messages: never the credentials. */
    public String describe() {
        return host + ":" + port + "/" + dbname;
    }
}
