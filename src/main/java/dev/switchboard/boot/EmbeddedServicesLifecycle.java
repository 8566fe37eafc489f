package dev.switchboard.boot;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.springframework.jms.connection.CachingConnectionFactory;

import io.quarkus.runtime.StartupEvent;

/**
 * Says at startup which mode the hub runs in and where its data lives, and stops the embedded
 * services last: {@code @PreDestroy} of an application-scoped bean runs once the shutdown event's
 * observers (the stream consumers, the run dispatcher, the relay) and Camel have stopped. Only
 * when the application never started (a failed start) does the JVM's exit stop them instead.
 */
@ApplicationScoped
public class EmbeddedServicesLifecycle {

    private static final Logger LOG = Logger.getLogger(EmbeddedServicesLifecycle.class);

    @Inject
    BootConfig config;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.artemis.url")
    String brokerUrl;

    /** Set once an application has started: from then on its shutdown stops the services. */
    private static final AtomicBoolean applicationStarted = new AtomicBoolean();
    private static final AtomicBoolean exitHookInstalled = new AtomicBoolean();

    /**
     * Called as the services start, before the application: if the JVM exits before an application
     * has started, nothing else would stop them. A hook of its own must not stop them otherwise,
     * since shutdown hooks run at once and it would pull the database from under Camel.
     */
    static void stopAtExitIfNeverStarted() {
        if (exitHookInstalled.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (!applicationStarted.get()) {
                    stopServices();
                }
            }, "switchboard-embedded-services-exit"));
        }
    }

    void onStart(@Observes StartupEvent event) {
        applicationStarted.set(true);
        LOG.info(mode(EmbeddedDatabase.isRunning(), EmbeddedBroker.isRunning(), config.dataDir().toAbsolutePath()));
        if (EmbeddedDatabase.isRunning()) {
            LOG.infof("Database: embedded PostgreSQL on port %d, data in %s",
                    EmbeddedDatabase.port(), EmbeddedDatabase.dataDirectory());
        } else {
            LOG.infof("Database: external PostgreSQL at %s, data kept by that server", withoutCredentials(jdbcUrl));
        }
        if (EmbeddedBroker.isRunning()) {
            LOG.infof("Broker: embedded Artemis at %s (AMQP 1.0 at %s), journal in %s",
                    EmbeddedBroker.url(), EmbeddedBroker.amqpUrl(), EmbeddedBroker.dataDirectory());
        } else {
            LOG.infof("Broker: external Artemis at %s, journal kept by that broker", withoutCredentials(brokerUrl));
        }
    }

    /** One line an operator can grep for: which of the two services run inside the hub, and where their data goes. */
    static String mode(boolean embeddedDatabase, boolean embeddedBroker, Path dataDir) {
        if (embeddedDatabase && embeddedBroker) {
            return "Mode: embedded default, PostgreSQL and Artemis run inside the hub with their data under " + dataDir;
        }
        if (embeddedDatabase || embeddedBroker) {
            return "Mode: mixed, " + (embeddedDatabase ? "PostgreSQL" : "Artemis") + " runs inside the hub with its"
                    + " data under " + dataDir + "; " + (embeddedDatabase ? "Artemis" : "PostgreSQL") + " is external";
        }
        return "Mode: external, PostgreSQL and Artemis are the configured servers; no embedded service runs";
    }

    /** The hub's shared broker connection (see JmsComponentProducer), if one was made. */
    @Inject
    @Named("sharedJmsConnection")
    Instance<CachingConnectionFactory> sharedJmsConnection;

    @PreDestroy
    void stopEmbeddedServices() {
        // Closed first: a broker that stops under it makes it log the disconnection with a stack
        // trace, and the broker warns about every session it has to end.
        if (EmbeddedBroker.isRunning() && sharedJmsConnection.isResolvable()) {
            sharedJmsConnection.get().destroy();
        }
        stopServices();
    }

    private static void stopServices() {
        try {
            EmbeddedBroker.stop();
        } finally {
            EmbeddedDatabase.stop(); // also when the broker, half started, fails to stop
        }
    }

    /** Drops the query part of a URL, where JDBC and Artemis URLs may carry a password. */
    static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        // The last @: a password may hold one of its own, unencoded.
        int at = base.lastIndexOf('@');
        if (at < 0) {
            return base;
        }
        int scheme = base.indexOf("//");
        return base.substring(0, scheme + 2) + "***@" + base.substring(at + 1);
    }
}
