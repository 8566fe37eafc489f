package dev.switchboard.boot;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Warns at startup when the external PostgreSQL the hub answers {@code 202} from is not durable.
 * The hub cannot change another server's settings, and a test or bench database may be weak on
 * purpose, so it says so once per setting instead of refusing to start. The embedded database
 * needs no check here: it refuses to start when weak (see {@link EmbeddedDatabase}).
 */
@ApplicationScoped
public class DatabaseDurabilityCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseDurabilityCheck.class);

    @Inject
    DataSource dataSource;

    void onStart(@Observes StartupEvent event) {
        if (EmbeddedDatabase.isRunning()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            for (String setting : Durability.off(connection)) {
                LOG.warnf("External PostgreSQL runs with %s=off: %s; set %s=on on that server", setting,
                        Durability.SETTINGS.get(setting), setting);
            }
        } catch (SQLException e) {
            // An outage at startup is retried like any other; it only means this check did not run.
            LOG.warnf("Could not check the external PostgreSQL's durability settings: %s", e.getMessage());
        }
    }
}
