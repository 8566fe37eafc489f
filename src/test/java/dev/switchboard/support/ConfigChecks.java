package dev.switchboard.support;

import java.util.List;
import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;

import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;

/** Runs one of the early checks over settings as if one file held them, without a profile. */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    public static List<SettingProblem> problems(ConfigCheck check, Map<String, String> settings) {
        return check.check(new PropertiesConfigSource(settings, "test", 100), List.of());
    }

    /** The problems' messages, in the order the check gave them. */
    public static List<String> messages(ConfigCheck check, Map<String, String> settings) {
        return problems(check, settings).stream().map(SettingProblem::message).toList();
    }

    /** The problems' messages in alphabetical order: for a check whose order follows a map's. */
    public static List<String> sortedMessages(ConfigCheck check, Map<String, String> settings) {
        return messages(check, settings).stream().sorted().toList();
    }
}
