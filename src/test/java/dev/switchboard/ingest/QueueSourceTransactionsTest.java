package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.jms.client.JMSExceptionHelper;
import org.junit.jupiter.api.Test;

/**
 * Which failed rollbacks of a queue source's transaction are taken as done (the session cannot be
 * used again, so the broker delivers its messages again) and which still end the listener with
 * an error. The causes are made the way Artemis's JMS client makes them from its own failures.
 */
class QueueSourceTransactionsTest {

    @Test
    void aRollbackOnAClosedSessionOrALostConnectionIsTakenAsDone() {
        for (ActiveMQExceptionType lost : new ActiveMQExceptionType[] {ActiveMQExceptionType.OBJECT_CLOSED,
                ActiveMQExceptionType.UNBLOCKED, ActiveMQExceptionType.DISCONNECTED,
                ActiveMQExceptionType.NOT_CONNECTED, ActiveMQExceptionType.CONNECTION_TIMEDOUT}) {
            assertTrue(QueueSourceTransactions.isGone(JMSExceptionHelper.convertFromActiveMQException(
                    lost.createException("AMQ2190xx"))), lost + " leaves no session to use again");
        }
    }

    @Test
    void aRollbackThatFailedOnALiveSessionIsStillAFailure() {
        for (ActiveMQExceptionType live : new ActiveMQExceptionType[] {ActiveMQExceptionType.INTERNAL_ERROR,
                ActiveMQExceptionType.TRANSACTION_ROLLED_BACK, ActiveMQExceptionType.SECURITY_EXCEPTION}) {
            assertFalse(QueueSourceTransactions.isGone(JMSExceptionHelper.convertFromActiveMQException(
                    live.createException("AMQ2190xx"))), live + " leaves a session that would be used again");
        }
        assertFalse(QueueSourceTransactions.isGone(new jakarta.jms.JMSException("no cause")));
        assertFalse(QueueSourceTransactions.isGone(null));
    }
}
