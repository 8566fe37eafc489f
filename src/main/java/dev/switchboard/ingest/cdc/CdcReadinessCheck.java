package dev.switchboard.ingest.cdc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the CDC sources, one entry per source: {@code UP} on the replica that streams it,
 * {@code STANDBY} on the others, and {@code DOWN: <why>} while its database cannot be reached, or
 * while this replica leads it but Debezium does not stream (starting, or reconnecting).
 */
@Readiness
@ApplicationScoped
public class CdcReadinessCheck implements HealthCheck {

    @Inject
    CdcSources sources;

    @Inject
    CdcStatus status;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("cdc-sources").up();
        for (CdcSource source : sources.all()) {
            CdcStatus.Status current = status.of(source);
            response.withData(source.name(), switch (current.state()) {
                case STREAMING -> "UP";
                case STANDBY -> "STANDBY";
                case NOT_STREAMING, UNREACHABLE -> "DOWN: " + current.detail();
            });
            if (!current.isUp()) {
                response.down();
            }
        }
        return response.build();
    }
}
