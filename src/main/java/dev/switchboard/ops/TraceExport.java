package dev.switchboard.ops;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * Spans leave the hub only for an OTLP endpoint someone configured. Quarkus's OpenTelemetry
 * extension sends them to {@code localhost:4317} when none is set, and installs its OTLP exporter
 * only while no other exporter is a bean: this one, which drops every span, is that bean until
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} (or {@code quarkus.otel.exporter.otlp.endpoint})
 * is set. Spans are made either way, so an event's trace id is shown and sent downstream.
 */
@Singleton
public class TraceExport {

    @Produces
    @Singleton
    @Unremovable
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint", stringValue = "none", lookupIfMissing = true)
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.endpoint", stringValue = "none", lookupIfMissing = true)
    SpanExporter nowhere() {
        return SpanExporter.composite();
    }
}
