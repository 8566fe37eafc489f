package dev.switchboard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings that only mean something above zero, refused with their line before anything starts.
 * Each was taken as written and did harm: a claim timeout of -5s called one run 15 times in 4 s,
 * idempotency keys kept -1d made every redelivered webhook a new event, a retention batch of 0
 * purged for ever, a poll interval of 0s spun two cores, a relay batch of 0 or no stream consumer
 * left every event RECEIVED with the hub ready, a search timeout of 0s is PostgreSQL's "no limit",
 * and a sign-in throttle of 0 failures answered every request 500.
 */
public class PositiveSettingsCheck implements ConfigCheck {

    static final List<String> DURATIONS = List.of("switchboard.runs.claim-timeout", "switchboard.runs.poll-interval",
            "switchboard.retention.events", "switchboard.retention.idempotency-keys", "switchboard.retention.interval",
            "switchboard.web.search-timeout", "switchboard.web.login.window");

    static final List<String> COUNTS = List.of("switchboard.retention.batch", "switchboard.stream.consumers",
            "switchboard.runs.workers", "switchboard.ingest.max-concurrent", "switchboard.web.login.client-failures",
            "switchboard.web.login.user-failures", "switchboard.batch.accept.size", "switchboard.batch.relay.size",
            "switchboard.batch.stream.size", "switchboard.batch.outcomes.size", "switchboard.batch.accept.writers",
            "switchboard.batch.relay.writers", "switchboard.batch.stream.writers", "switchboard.batch.outcomes.writers");

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        List<SettingProblem> problems = new ArrayList<>();
        for (String key : DURATIONS) {
            String value = settings.getValue(key);
            if (value != null && !isPositiveDuration(value.strip())) {
                problems.add(new SettingProblem(key, key + "=" + value + ": must be a duration above zero, such as 30s"));
            }
        }
        for (String key : COUNTS) {
            String value = settings.getValue(key);
            if (value != null && !isPositiveCount(value.strip())) {
                problems.add(new SettingProblem(key, key + "=" + value + ": must be a whole number of at least 1"));
            }
        }
        return problems;
    }

    private static boolean isPositiveDuration(String value) {
        try {
            return !Durations.parse(value).isZero();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isPositiveCount(String value) {
        try {
            return Integer.parseInt(value) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
