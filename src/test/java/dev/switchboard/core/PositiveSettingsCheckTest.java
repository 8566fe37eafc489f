package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;

/** Settings that only mean something above zero are refused at zero or below, by name, before anything starts. */
class PositiveSettingsCheckTest {

    static List<String> check(Map<String, String> settings) {
        return new PositiveSettingsCheck().check(new PropertiesConfigSource(settings, "test", 100), List.of()).stream()
                .map(SettingProblem::message).toList();
    }

    @Test
    void zeroNegativeAndNonsenseValuesAreRefusedNamingTheirSetting() {
        assertEquals(List.of(
                "switchboard.runs.claim-timeout=-5s: must be a duration above zero, such as 30s",
                "switchboard.retention.idempotency-keys=-1d: must be a duration above zero, such as 30s",
                "switchboard.web.search-timeout=0s: must be a duration above zero, such as 30s",
                "switchboard.retention.batch=0: must be a whole number of at least 1",
                "switchboard.web.login.client-failures=0: must be a whole number of at least 1",
                "switchboard.batch.relay.size=lots: must be a whole number of at least 1"),
                check(Map.of("switchboard.runs.claim-timeout", "-5s", "switchboard.retention.idempotency-keys", "-1d",
                        "switchboard.web.search-timeout", "0s", "switchboard.retention.batch", "0",
                        "switchboard.web.login.client-failures", "0", "switchboard.batch.relay.size", "lots")));
    }

    @Test
    void sensibleValuesAndUnsetSettingsPass() {
        assertEquals(List.of(), check(Map.of("switchboard.runs.claim-timeout", "30s", "switchboard.runs.poll-interval",
                "50ms", "switchboard.retention.events", "30d", "switchboard.stream.consumers", " 4 ",
                "switchboard.batch.accept.writers", "1")));
    }
}
