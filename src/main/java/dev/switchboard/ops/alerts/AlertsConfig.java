package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Alerts: thresholds on port failure rates and on signature failures, and expectations. An expectation is a dead-man's switch:
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
        /** How often expectations and thresholds are checked. */
        @WithDefault("10s")
        Duration checkInterval();

        /** A port alerts when more than this share of its attempts in the window failed... */
        @WithDefault("0.5")
        double portFailureRate();

        /** ...out of at least this many attempts. */
        @WithDefault("10")
        int portMinAttempts();

        @WithDefault("10m")
        Duration portWindow();

        /** A source alerts when more than this many requests in the window failed their signature check. */
        @WithDefault("20")
        int signatureFailures();

        @WithDefault("10m")
        Duration signatureWindow();
    }
}
