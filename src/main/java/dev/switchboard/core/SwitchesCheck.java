package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings that are on or off, refused unless they say which: SmallRye reads any word it does not
 * know as false, with a warning among the startup's log ({@code errors-make-unready=ture} ran a
 * hub that stayed ready with a rejected rule file).
 */
public class SwitchesCheck implements ConfigCheck {

    static final List<String> SWITCHES = List.of("switchboard.rules.errors-make-unready",
            "switchboard.broker.check-address-settings");

    /** The words SmallRye's converter reads as true, and their plain opposites. */
    private static final Set<String> WORDS = Set.of("true", "false", "yes", "no", "on", "off", "1", "0");

    @Override
    public boolean judgesNames() {
        return false;
    }

    @Override
    public boolean atReload() {
        return true;
    }

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        List<SettingProblem> problems = new ArrayList<>();
        for (String key : SWITCHES) {
            String value = settings.getValue(key);
            if (value != null && !WORDS.contains(value.strip().toLowerCase(Locale.ROOT))) {
                problems.add(new SettingProblem(key, key + "=" + value + ": must be true or false"));
            }
        }
        return problems;
    }
}
