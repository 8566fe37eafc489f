package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.ReloadedSettings;
import dev.switchboard.core.SettingProblem;

/**
 * Expectations and alert thresholds in force, reloaded with the rules: an expectation added to the
 * operator's file is watched from the next reload, one removed stops alerting. Only how often they
 * are checked ({@code switchboard.alerts.check-interval}) needs a restart.
 */
@ApplicationScoped
public class AlertSettings implements ReloadedSettings {

    static final String CHECK_INTERVAL = "switchboard.alerts.check-interval";

    private volatile AlertsConfig current;

    @Inject
    AlertSettings(AlertsConfig atStartup) {
        this.current = atStartup;
    }

    public AlertsConfig current() {
        return current;
    }

    @Override
    public boolean reloads(String key) {
        return key.startsWith("switchboard.expectations.")
                || key.startsWith("switchboard.alerts.") && !key.equals(CHECK_INTERVAL);
    }

    @Override
    public Reading read() {
        OperatorConfigSourceProvider.Mapped<AlertsConfig> mapped = OperatorConfigSourceProvider.mapped(AlertsConfig.class);
        if (!mapped.problems().isEmpty()) {
            return Reading.rejected(mapped.problems());
        }
        AlertsConfig read = mapped.mapping();
        List<SettingProblem> problems = new ArrayList<>();
        read.expectations().forEach((name, expectation) -> {
            // Also refused as written (zero or below by core.BoundsCheck, a bare number by
            // ops.DurationUnitsCheck); this sees the value as mapped, under any profile too.
            if (expectation.every().compareTo(Duration.ZERO) <= 0) {
                problems.add(new SettingProblem("switchboard.expectations." + name + ".every",
                        "Expectation '" + name + "': every must be a positive duration such as 30s or 1h"));
            }
            if (expectation.type().isBlank()) {
                problems.add(new SettingProblem("switchboard.expectations." + name + ".type",
                        "Expectation '" + name + "': set the event type it expects"));
            }
        });
        return problems.isEmpty() ? new Reading(List.of(), () -> current = read) : Reading.rejected(problems);
    }
}
