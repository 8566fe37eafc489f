package dev.switchboard.connect;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;

/** Connectors built on a Camel endpoint: send one message, one way, and report a failure. */
public final class CamelSend {

    private CamelSend() {
    }

    /** Sends the body with the headers to the endpoint; returns the failure, or null when it took the message. */
    public static Throwable inOnly(ProducerTemplate producer, String uri, Object body, Map<String, Object> headers) {
        Exchange sent = producer.send(uri, exchange -> {
            exchange.setPattern(ExchangePattern.InOnly);
            exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
            exchange.getMessage().setBody(body);
        });
        return sent.getException();
    }
}
