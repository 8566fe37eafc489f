package dev.switchboard.ops;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * Spans leave the hub only for an OTLP endpoint someone configured. Quarkus's OpenTelemetry
 * extension defaults {@code quarkus.otel.exporter.otlp.endpoint} (which
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} falls back to) to {@code http://localhost:4317/},
 * and would send every span there, failing and warning every second where no collector listens,
 * after encoding each batch for nothing (bench/steps.md, step 29). It installs its OTLP exporter
 * only while no other exporter is a bean: this one, which drops every span, is that bean as long
 * as the endpoint is that default. Spans are made either way, so an event's trace id is shown and
 * sent downstream.
 */
@Singleton
public class TraceExport {

    /** Quarkus's default OTLP endpoint: no one set one. */
    static final String UNSET = "http://localhost:4317/";

    @Produces
    @Singleton
    @Unremovable
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint", stringValue = UNSET)
    SpanExporter nowhere() {
        return SpanExporter.composite();
    }
}
