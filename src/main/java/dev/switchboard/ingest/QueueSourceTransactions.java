package dev.switchboard.ingest;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;

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

    /**
     * How Artemis reports a rollback cut off by its connection's failure: the call was in flight
     * when the broker went away ("Unblocking a blocking call that will never get a response").
     * The connection factory resets a failed connection and closes its sessions, so the session
     * is not used again with its messages unacknowledged; were the connection failed over
     * instead, Artemis marks its transaction rollback-only.
     */
    private static final Set<ActiveMQExceptionType> CONNECTION_LOST = Set.of(ActiveMQExceptionType.UNBLOCKED,
            ActiveMQExceptionType.DISCONNECTED, ActiveMQExceptionType.NOT_CONNECTED,
            ActiveMQExceptionType.CONNECTION_TIMEDOUT, ActiveMQExceptionType.OBJECT_CLOSED);

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
                    // Only a session the broker has closed, or one whose connection failed under the
                    // rollback: a live session whose rollback failed would be cached and used again,
                    // and its next commit would acknowledge the messages this one failed on.
                    if (!isGone(failed.getCause())) {
                        throw failed;
                    }
                    // The consumer's own failure is logged and its connection renewed by the container.
                    LOG.debugf("A queue source's transaction could not be rolled back on a lost session: %s",
                            failed.getCause().getMessage());
                }
            }
        };
    }

    /** Whether a failed rollback's cause says its session is closed or its connection lost. */
    static boolean isGone(Throwable cause) {
        if (cause instanceof jakarta.jms.IllegalStateException) {
            return true; // Artemis: "Session is closed"
        }
        return cause instanceof JMSException && cause.getCause() instanceof ActiveMQException lost
                && CONNECTION_LOST.contains(lost.getType());
    }
}
