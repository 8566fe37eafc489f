package dev.switchboard.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.core.Durations;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.ValueCheck;

/**
 * A duration of any {@code switchboard.*} setting written as a bare number, refused by name: Quarkus
 * reads it as seconds, which is rarely what was meant ({@code retention.events=30} purged a month's
 * events within a minute; {@code batch.accept.linger=5}, meant as milliseconds, held every
 * acceptance 5 s). The durations are found in the hub's mappings, so a new one is judged too.
 */
public class DurationUnitsCheck extends ValueCheck {

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        Set<Pattern> durations = ConfigKeysCheck.keysOfType(type -> type == Duration.class).keySet();
        List<SettingProblem> problems = new ArrayList<>();
        for (String name : settings.getPropertyNames()) {
            if (name.startsWith("switchboard.") && durations.stream().anyMatch(pattern -> pattern.matcher(name).matches())) {
                String value = settings.getValue(name);
                if (Durations.isBareNumber(value)) {
                    problems.add(new SettingProblem(name, name + "=" + value + ": " + Durations.bareNumberProblem(value)));
                }
            }
        }
        return problems;
    }
}
