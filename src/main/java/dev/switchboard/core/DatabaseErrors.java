package dev.switchboard.core;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Tells a database outage from bad data, by SQLSTATE. Only an outage is worth retrying: the same
 * data is refused again however often it comes back, so it is answered 4xx or parked instead.
 */
public final class DatabaseErrors {

    /**
     * SQLSTATE classes of data the database will never take: data exceptions (22), integrity
     * constraints (23) and program limits such as an index row too large (54).
     */
    private static final Set<String> DATA_CLASSES = Set.of("22", "23", "54");

    private DatabaseErrors() {
    }

    /** True when some {@link SQLException} in the chain says the data itself was refused. */
    public static boolean isBadData(Throwable error) {
        return anySqlException(error, sql -> {
            String state = sql.getSQLState();
            return state != null && state.length() == 5 && DATA_CLASSES.contains(state.substring(0, 2))
                    && !(sql instanceof SQLTransientException);
        });
    }

    /** True when some {@link SQLException} in the chain carries this SQLSTATE. */
    public static boolean hasState(Throwable error, String state) {
        return anySqlException(error, sql -> state.equals(sql.getSQLState()));
    }

    /** Whether any {@link SQLException} of the chain, or one chained to it as its next, is {@code such}. */
    private static boolean anySqlException(Throwable error, Predicate<SQLException> such) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (such.test(next)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The innermost database message of the chain, for a refusal's reason. */
    public static String reason(Throwable error) {
        String reason = error.getMessage();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                SQLException last = sql;
                while (last.getNextException() != null) {
                    last = last.getNextException();
                }
                reason = last.getMessage();
            }
        }
        return reason;
    }
}
