package dev.switchboard.ingest;

import java.sql.SQLException;

import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.UnconfirmedException;

/**
 * Tells an acceptance that failed because the database or the broker is away (worth a retry: the
 * sender is answered 503, a queue message is rolled back for redelivery) from one that failed for
 * its own sake.
 */
final class Outages {

    private Outages() {
    }

    /** True when the chain holds a database, broker or transaction failure and not data the database refused. */
    static boolean isOutage(Throwable error) {
        if (DatabaseErrors.isBadData(error)) {
            return false;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException
                    || cause instanceof jakarta.jms.JMSException
                    || cause instanceof org.springframework.jms.JmsException
                    || cause instanceof jakarta.transaction.RollbackException
                    || cause instanceof jakarta.transaction.SystemException
                    || cause instanceof jakarta.persistence.PersistenceException
                    || cause instanceof java.net.ConnectException
                    || cause instanceof UnconfirmedException) {
                return true;
            }
        }
        return false;
    }
}
