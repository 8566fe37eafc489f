package dev.switchboard.ingest;

import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import dev.switchboard.core.Tracing;
import dev.switchboard.stream.IncomingEvent;

/**
 * The span of one acceptance (a webhook request or a queue source's message), from the event's
 * making to its answer: the first span of the event's own trace, whose {@code traceparent} the
 * event carries. It ends when the exchange is done, failed when the delivery was not accepted.
 */
final class AcceptanceSpan extends SynchronizationAdapter {

    private final Span span;

    private AcceptanceSpan(Span span) {
        this.span = span;
    }

    /**
     * Makes the event inside a new acceptance span continuing {@code parent}, and ends that span
     * with the exchange.
     */
    static IncomingEvent accept(Tracer tracer, Exchange exchange, SpanKind kind, Context parent, String source,
            String deliveryId, String type, Supplier<IncomingEvent> making) {
        Span span = tracer.spanBuilder("accept " + source).setParent(parent).setSpanKind(kind)
                .setAttribute("switchboard.source", source)
                .setAttribute("switchboard.delivery_id", deliveryId)
                .setAttribute("switchboard.event.type", type)
                .startSpan();
        IncomingEvent incoming;
        try (Scope scope = span.makeCurrent()) {
            incoming = making.get();
        } catch (RuntimeException e) {
            Tracing.failed(span, e.getMessage());
            span.end();
            throw e;
        }
        span.setAttribute("switchboard.event.id", incoming.id());
        exchange.getExchangeExtension().addOnCompletion(new AcceptanceSpan(span));
        return incoming;
    }

    @Override
    public void onComplete(Exchange exchange) {
        // A refused webhook is handled (answered with its problem), not failed: its status says so.
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null) {
            span.setAttribute("http.response.status_code", status);
            if (status >= 400) {
                Tracing.failed(span, "answered " + status);
            }
        }
        span.end();
    }

    @Override
    public void onFailure(Exchange exchange) {
        Exception error = exchange.getException();
        Tracing.failed(span, error == null ? "not accepted" : error.getMessage());
        span.end();
    }
}
