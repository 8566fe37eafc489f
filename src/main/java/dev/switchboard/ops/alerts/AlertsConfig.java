package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Alerts and expectations. An expectation is a dead-man's switch:
 * {@code switchboard.expectations.<name>.type=billing.invoice.created},
 * {@code .source=billing} (optional), {@code .every=1h}: an incident opens when no such event
 * arrived for that long, and resolves when one arrives.
 */
@ConfigMapping(prefix = "switchboard")
public interface AlertsConfig {

    Map<String, Expectation> expectations();

    Alerts alerts();

    interface Expectation {
        String type();

        Optional<String> source();

        Duration every();
    }

    interface Alerts {
        /** How often expectations are checked. */
        @WithDefault("10s")
        Duration checkInterval();
    }
}
