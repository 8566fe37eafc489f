package dev.switchboard.boot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL settings an answered {@code 202} depends on. With any of them off, a commit the
 * hub reported can be gone after a crash: {@code synchronous_commit=off} returns before the commit
 * is on disk, {@code fsync=off} never forces it there, {@code full_page_writes=off} lets a crash
 * tear a page that recovery cannot repair.
 */
final class Durability {

    /** Each setting with why it matters, in the words of the startup warning. */
    static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("fsync", "PostgreSQL does not force its writes to disk, so events the hub answered 202"
                + " can be lost, and the database corrupted, when the machine crashes");
        SETTINGS.put("synchronous_commit", "a commit returns before it is on disk, so events the hub answered 202"
                + " can be lost when the database server crashes");
        SETTINGS.put("full_page_writes", "a crash in the middle of a write can leave a torn page that recovery"
                + " cannot repair, losing events the hub answered 202");
    }

    private Durability() {
    }

    /** The settings that are {@code off}; {@code synchronous_commit=local} and the like are durable. */
    static List<String> off(Connection connection) throws SQLException {
        List<String> off = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (String setting : SETTINGS.keySet()) {
                try (ResultSet result = statement.executeQuery("show " + setting)) {
                    result.next();
                    if ("off".equalsIgnoreCase(result.getString(1))) {
                        off.add(setting);
                    }
                }
            }
        }
        return off;
    }
}
