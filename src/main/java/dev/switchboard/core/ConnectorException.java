package dev.switchboard.core;

/**
 * A failed attempt, with what the downstream said. A permanent failure (such as an HTTP 4xx
 * other than 408 and 429) sends the run straight to the dead letters; any other is retried.
 */
public class ConnectorException extends Exception {

    private final boolean permanent;
    private final Integer status;
    private final String response;

    public ConnectorException(String message, boolean permanent, Integer status, String response, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
        this.status = status;
        this.response = response;
    }

    public ConnectorException(String message, boolean permanent) {
        this(message, permanent, null, null, null);
    }

    public boolean permanent() {
        return permanent;
    }

    public Integer status() {
        return status;
    }

    public String response() {
        return response;
    }
}
