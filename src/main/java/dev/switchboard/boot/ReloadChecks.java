package dev.switchboard.boot;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.config.SmallRyeConfig;

import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.ReloadedSettings;
import dev.switchboard.core.SettingProblem;

/**
 * At every reload, the checks of the start that no part which reloads makes itself (a key nothing
 * reads, a value only positive values mean): an edit the next start would refuse is rejected now,
 * with its line, instead of taken in silence or called "restart needed" and refused at the restart.
 */
@ApplicationScoped
public class ReloadChecks implements ReloadedSettings {

    @Override
    public boolean reloads(String key) {
        return false;
    }

    @Override
    public Reading read() {
        List<SettingProblem> problems;
        try {
            SmallRyeConfig config = OperatorConfigSourceProvider.current();
            problems = StartupCheck.problems(new WrittenSettings("switchboard-reload-check", config::getPropertyNames,
                    config::getConfigValue), config.getProfiles(), ConfigCheck::atReload);
        } catch (RuntimeException e) {
            // A value that cannot be read at all (an expression naming nothing: ${NOPE}) is a mistake too.
            problems = List.of(OperatorConfigSourceProvider.problem(String.valueOf(e.getMessage())));
        }
        return problems.isEmpty() ? new Reading(List.of(), () -> { }) : Reading.rejected(problems);
    }
}
