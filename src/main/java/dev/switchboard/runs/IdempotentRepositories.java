package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;

/**
 * The idempotency scopes of the hub, one per point where a redelivery can arrive. Singletons, not
 * application-scoped: Camel services have final methods a client proxy cannot intercept.
 */
@ApplicationScoped
public class IdempotentRepositories {

    /** Webhook and queue deliveries, keyed by (source, delivery id). */
    @Produces
    @Named("ingestDeliveries")
    @Singleton
    DatabaseIdempotentRepository ingestDeliveries(AgroalDataSource dataSource) {
        return new DatabaseIdempotentRepository(dataSource, "ingest");
    }

    /** Stream messages, keyed by CloudEvent id. */
    @Produces
    @Named("streamMessages")
    @Singleton
    DatabaseIdempotentRepository streamMessages(AgroalDataSource dataSource) {
        return new DatabaseIdempotentRepository(dataSource, "stream");
    }

    /** Claimed attempts of action runs, keyed by (run, attempt), written with the attempt's outcome. */
    @Produces
    @Named("runAttempts")
    @Singleton
    DatabaseIdempotentRepository runAttempts(AgroalDataSource dataSource) {
        return new DatabaseIdempotentRepository(dataSource, "action");
    }
}
