package dev.switchboard.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

import io.quarkus.arc.ClientProxy;

/**
 * The connection factory of Camel's {@code jms} component (see
 * {@code camel.component.jms.connection-factory}): one shared broker connection with cached
 * sessions and producers. Without it every send opens and closes a connection to the broker,
 * which the benchmark showed to be most of the time of accepting a webhook. Consumers are not
 * cached: each stream consumer keeps its own. The connection is re-created after a broker failure.
 */
@ApplicationScoped
public class JmsComponentProducer {

    static final int SESSION_CACHE_SIZE = 64;

    /** Typed as itself only, so that injecting a plain ConnectionFactory stays unambiguous. */
    @Produces
    @Singleton
    @Named("sharedJmsConnection")
    @Typed(CachingConnectionFactory.class)
    CachingConnectionFactory sharedJmsConnection(ConnectionFactory broker) {
        // Resolving a queue by name is a round trip to the broker; the names never change here.
        if (ClientProxy.unwrap(broker) instanceof ActiveMQConnectionFactory artemis) {
            artemis.setCacheDestinations(true);
        }
        CachingConnectionFactory shared = new CachingConnectionFactory(broker);
        shared.setSessionCacheSize(SESSION_CACHE_SIZE);
        shared.setCacheConsumers(false);
        shared.setReconnectOnException(true);
        return shared;
    }
}
