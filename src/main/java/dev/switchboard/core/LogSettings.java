package dev.switchboard.core;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;

/** Gives the log's repeat filter the {@code switchboard.log.*} settings of the whole configuration at startup. */
@ApplicationScoped
public class LogSettings {

    @Inject
    LogConfig config;

    void apply(@Observes StartupEvent start) {
        RepeatedWarnings.apply(config);
    }
}
