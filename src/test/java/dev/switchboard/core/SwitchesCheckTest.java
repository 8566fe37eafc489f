package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;

/** An on-or-off setting that says neither is refused by name, instead of read as false. */
class SwitchesCheckTest {

    static List<String> check(Map<String, String> settings) {
        return new SwitchesCheck().check(new PropertiesConfigSource(settings, "test", 100), List.of()).stream()
                .map(SettingProblem::message).toList();
    }

    @Test
    void aMisspeltTrueIsRefusedRatherThanReadAsFalse() {
        assertEquals(List.of("switchboard.rules.errors-make-unready=ture: must be true or false"),
                check(Map.of("switchboard.rules.errors-make-unready", "ture",
                        "switchboard.broker.check-address-settings", " FALSE ")));
    }
}
