package dev.switchboard.ops;

import java.time.Duration;
import java.util.Optional;

import dev.switchboard.core.Durations;

/**
 * A duration of any {@code switchboard.*} setting written as a bare number, refused by name: Quarkus
 * reads it as seconds, which is rarely what was meant ({@code retention.events=30} purged a month's
 * events within a minute; {@code batch.accept.linger=5}, meant as milliseconds, held every
 * acceptance 5 s).
 */
public class DurationUnitsCheck extends TypedSettingsCheck {

    @Override
    boolean judges(Class<?> type) {
        return type == Duration.class;
    }

    @Override
    Optional<String> problem(Class<?> type, String value) {
        return Durations.isBareNumber(value) ? Optional.of(Durations.bareNumberProblem(value)) : Optional.empty();
    }
}
