package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings whose values mean something only within bounds (above zero, a share, on or off),
 * refused with their line before anything starts and at every reload. Each was taken as written
 * and did harm: a claim timeout of -5s called one run 15 times in 4 s, idempotency keys kept -1d made every redelivered webhook a new event, a
 * retention batch of 0 purged for ever, a poll interval of 0s spun two cores, a relay batch of 0 or
 * no stream consumer left every event RECEIVED with the hub ready, a search timeout of 0s is
 * PostgreSQL's "no limit", a sign-in throttle of 0 failures answered every request 500, and alert
 * thresholds below zero paged on-call for a port with no attempts. (A duration written as a bare
 * number is refused by {@code ops.DurationUnitsCheck}, for every duration.) And an on-or-off setting
 * must say which: SmallRye reads any word it does not know as false, with a warning among the
 * startup's log ({@code errors-make-unready=ture} ran a hub that stayed ready with a rejected rule file).
 *
 * <p>The values are judged wherever they come from (the operator's file, the environment, a system
 * property): what the hub would use is what is checked.
 */
public class BoundsCheck extends ValueCheck {

    static final List<String> DURATIONS = List.of("switchboard.runs.claim-timeout", "switchboard.runs.poll-interval",
            "switchboard.runs.replica-timeout",
            "switchboard.retention.events", "switchboard.retention.idempotency-keys", "switchboard.retention.interval",
            "switchboard.web.search-timeout", "switchboard.web.login.window",
            "switchboard.alerts.check-interval", "switchboard.alerts.port-window", "switchboard.alerts.signature-window",
            "switchboard.rules.reload-interval", "switchboard.routes.reload-interval",
            "switchboard.cdc.lock-interval", "switchboard.cdc.restart-after");

    /** Durations under a name the operator chooses. */
    static final Pattern NAMED_DURATIONS = Pattern.compile("switchboard\\.expectations\\.[^.]+\\.every");

    static final List<String> COUNTS = List.of("switchboard.retention.batch", "switchboard.stream.consumers",
            "switchboard.runs.workers", "switchboard.ingest.max-concurrent", "switchboard.web.login.client-failures",
            "switchboard.web.login.user-failures", "switchboard.batch.accept.size", "switchboard.batch.relay.size",
            "switchboard.batch.stream.size", "switchboard.batch.outcomes.size", "switchboard.batch.accept.writers",
            "switchboard.batch.relay.writers", "switchboard.batch.stream.writers", "switchboard.batch.outcomes.writers",
            "switchboard.alerts.port-min-attempts");

    /** Thresholds an alert fires above: 0 means at the first failure, below it at none too. */
    static final String SIGNATURE_FAILURES = "switchboard.alerts.signature-failures";

    /** Counts under a name the operator chooses. */
    static final Pattern NAMED_COUNTS = Pattern.compile("switchboard\\.datasources\\.[^.]+\\.max-size");

    /** A share a port alerts above: from 0 (any failure) up to, not including, 1 (which no rate exceeds). */
    static final String PORT_FAILURE_RATE = "switchboard.alerts.port-failure-rate";

    static final List<String> SWITCHES = List.of("switchboard.rules.errors-make-unready",
            "switchboard.broker.check-address-settings");

    private static final String ABOVE_ZERO = "must be a duration above zero, such as 30s";

    /** The words SmallRye's converter reads as true, and their plain opposites. */
    private static final Set<String> SWITCH_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "1", "0");

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        List<SettingProblem> problems = new ArrayList<>();
        List<String> durations = new ArrayList<>(DURATIONS);
        List<String> counts = new ArrayList<>(COUNTS);
        for (String name : settings.getPropertyNames()) {
            if (NAMED_DURATIONS.matcher(name).matches()) {
                durations.add(name);
            } else if (NAMED_COUNTS.matcher(name).matches()) {
                counts.add(name);
            }
        }
        for (String key : durations) {
            String value = settings.getValue(key);
            if (value != null) {
                durationProblem(value.strip()).ifPresent(problem -> problems.add(new SettingProblem(key,
                        key + "=" + value + ": " + problem)));
            }
        }
        for (String key : counts) {
            String value = settings.getValue(key);
            if (value != null && !isCountOfAtLeast(value.strip(), 1)) {
                problems.add(new SettingProblem(key, key + "=" + value + ": must be a whole number of at least 1"));
            }
        }
        String failures = settings.getValue(SIGNATURE_FAILURES);
        if (failures != null && !isCountOfAtLeast(failures.strip(), 0)) {
            problems.add(new SettingProblem(SIGNATURE_FAILURES, SIGNATURE_FAILURES + "=" + failures
                    + ": must be a whole number of 0 (alert at the first failure) or more"));
        }
        String rate = settings.getValue(PORT_FAILURE_RATE);
        if (rate != null && !isShare(rate.strip())) {
            problems.add(new SettingProblem(PORT_FAILURE_RATE, PORT_FAILURE_RATE + "=" + rate
                    + ": must be a share from 0 (alert at any failure) up to, not including, 1, such as 0.5"));
        }
        for (String key : SWITCHES) {
            String value = settings.getValue(key);
            if (value != null && !SWITCH_WORDS.contains(value.strip().toLowerCase(Locale.ROOT))) {
                problems.add(new SettingProblem(key, key + "=" + value + ": must be true or false"));
            }
        }
        return problems;
    }

    private static Optional<String> durationProblem(String value) {
        if (Durations.isBareNumber(value)) {
            // Above zero, and refused for wanting its unit by the check of every duration (ops.DurationUnitsCheck).
            return Optional.empty();
        }
        try {
            return Durations.parse(value).isZero() ? Optional.of(ABOVE_ZERO) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(ABOVE_ZERO);
        }
    }

    /** Whether {@code value} is a whole number of at least {@code least}. */
    public static boolean isCountOfAtLeast(String value, int least) {
        try {
            return Integer.parseInt(value) >= least;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isShare(String value) {
        try {
            double share = Double.parseDouble(value);
            return share >= 0 && share < 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
