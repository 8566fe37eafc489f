package dev.switchboard.core;

import java.util.Optional;
import java.util.function.UnaryOperator;

import io.cloudevents.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * One trace per event (docs/operations.md, "Tracing"): the W3C {@code traceparent} an event came
 * with is continued by its acceptance, travels on its envelope as the CloudEvents distributed-tracing
 * extension, and from there parents the stream's consumption, each run and each attempt, whose
 * calls send it on downstream. Spans are made by Quarkus's OpenTelemetry extension; this is only
 * the reading and writing of {@code traceparent} values, the one wire format they share.
 */
public final class Tracing {

    /** The W3C header, JMS property and CloudEvents extension attribute: one name for all three. */
    public static final String TRACEPARENT = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<UnaryOperator<String>> LOOKUP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> carrier) {
            return java.util.List.of(TRACEPARENT);
        }

        @Override
        public String get(UnaryOperator<String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private Tracing() {
    }

    /**
     * The context a span continues: the current one when a span is under way (Quarkus's span of
     * the HTTP request, itself continuing the request's {@code traceparent}), else the given
     * {@code traceparent}, else none (a new trace).
     */
    public static Context parent(String traceparent) {
        if (Span.current().getSpanContext().isValid()) {
            return Context.current();
        }
        return of(traceparent);
    }

    /** The context a {@code traceparent} value names; the root context when it is absent or malformed. */
    public static Context of(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), name -> TRACEPARENT.equals(name) ? traceparent : null, LOOKUP);
    }

    /** The {@code traceparent} an event carries (its acceptance's span), or null. */
    public static String traceparent(CloudEvent event) {
        Object traceparent = event.getExtension(TRACEPARENT);
        return traceparent == null ? null : traceparent.toString();
    }

    /** The {@code traceparent} of the span, empty for a span that is no part of a trace. */
    public static Optional<String> traceparent(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex());
    }

    /** The {@code traceparent} of the current span, if one is under way. */
    public static Optional<String> current() {
        return traceparent(Span.current());
    }

    /** The trace id a {@code traceparent} value names. */
    public static Optional<String> traceId(String traceparent) {
        SpanContext context = Span.fromContext(of(traceparent)).getSpanContext();
        return context.isValid() ? Optional.of(context.getTraceId()) : Optional.empty();
    }

    /**
     * Marks the span failed with the reason, as a tracing system shows an error; masked as every
     * error the hub shows (a database's or broker's message may quote a URL with its credentials).
     */
    public static void failed(Span span, String reason) {
        span.setStatus(StatusCode.ERROR, reason == null ? "" : SecretMask.text(reason));
    }
}
