package dev.switchboard.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * The JMS transactions of the queue sources' consumers ({@code transactionManager=#queueSourceTransactions}
 * on their endpoints): Spring's, as Camel would make for each, on the same connection factory,
 * except for a rollback the broker has made impossible. When the broker goes away mid-message the
 * session is closed under the consumer, and rolling it back fails; Spring then logs the listener's
 * failure at ERROR with its stack ("Listener exception overridden by rollback exception"), for
 * every consumer at every broker restart or failover. A transaction never committed on a session
 * that is gone is what a rollback would leave: the broker delivers its messages again.
 */
@ApplicationScoped
public class QueueSourceTransactions {

    private static final Logger LOG = Logger.getLogger(QueueSourceTransactions.class);

    @Produces
    @Singleton
    @Named("queueSourceTransactions")
    @Typed(JmsTransactionManager.class)
    JmsTransactionManager queueSourceTransactions(@Named("sharedJmsConnection") CachingConnectionFactory broker) {
        return new JmsTransactionManager(broker) {
            @Override
            protected void doRollback(DefaultTransactionStatus status) {
                try {
                    super.doRollback(status);
                } catch (TransactionSystemException failed) {
                    // Only a session the broker has closed (Artemis: "Session is closed"): a rollback
                    // that failed on a live one (a timeout in a failover) must still end the session.
                    if (!(failed.getCause() instanceof jakarta.jms.IllegalStateException)) {
                        throw failed;
                    }
                    // The consumer's own failure is logged and its connection renewed by the container.
                    LOG.debugf("A queue source's transaction could not be rolled back on a lost session: %s",
                            failed.getCause().getMessage());
                }
            }
        };
    }
}
