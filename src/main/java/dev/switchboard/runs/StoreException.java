package dev.switchboard.runs;

import java.sql.SQLException;

/**
 * A write or read of the hub's own tables failed; the {@link SQLException} is kept as the cause,
 * so that its SQLSTATE tells an outage from bad data (see {@code core.DatabaseErrors}).
 */
public class StoreException extends RuntimeException {

    public StoreException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
