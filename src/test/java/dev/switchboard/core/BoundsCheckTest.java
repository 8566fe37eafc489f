package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.ConfigChecks;

/** Settings whose values mean something only within bounds are refused outside them, by name, before anything starts. */
class BoundsCheckTest {

    static List<String> check(Map<String, String> settings) {
        return ConfigChecks.messages(new BoundsCheck(), settings);
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
    void alertThresholdsThatWouldPageForNothingAreRefused() {
        // Taken as written, each opened incidents within seconds: "0 of 0 attempts failed in the last PT0S".
        assertEquals(List.of(
                "switchboard.alerts.port-window=0s: must be a duration above zero, such as 30s",
                "switchboard.expectations.payroll.every=0s: must be a duration above zero, such as 30s",
                "switchboard.alerts.port-min-attempts=0: must be a whole number of at least 1",
                "switchboard.datasources.crm.max-size=0: must be a whole number of at least 1",
                "switchboard.alerts.signature-failures=-1: must be a whole number of 0 (alert at the first failure)"
                        + " or more",
                "switchboard.alerts.port-failure-rate=-0.5: must be a share from 0 (alert at any failure) up to, not"
                        + " including, 1, such as 0.5"),
                check(Map.of("switchboard.alerts.port-window", "0s", "switchboard.expectations.payroll.every", "0s",
                        "switchboard.alerts.port-min-attempts", "0", "switchboard.alerts.signature-failures", "-1",
                        "switchboard.datasources.crm.max-size", "0", "switchboard.alerts.port-failure-rate", "-0.5")));
        // No share of failures is above 1: a port would never alert.
        assertEquals(List.of("switchboard.alerts.port-failure-rate=1: must be a share from 0 (alert at any failure) up"
                + " to, not including, 1, such as 0.5"), check(Map.of("switchboard.alerts.port-failure-rate", "1")));
    }

    @Test
    void sensibleValuesAndUnsetSettingsPass() {
        assertEquals(List.of(), check(Map.of("switchboard.runs.claim-timeout", "30s", "switchboard.runs.poll-interval",
                "50ms", "switchboard.retention.events", "30d", "switchboard.stream.consumers", " 4 ",
                "switchboard.batch.accept.writers", "1", "switchboard.alerts.port-failure-rate", "0",
                "switchboard.alerts.signature-failures", "0",
                "switchboard.expectations.payroll.every", "1h")));
    }

    @Test
    void aMisspeltTrueIsRefusedRatherThanReadAsFalse() {
        assertEquals(List.of("switchboard.rules.errors-make-unready=ture: must be true or false"),
                check(Map.of("switchboard.rules.errors-make-unready", "ture",
                        "switchboard.broker.check-address-settings", " FALSE ")));
    }
}
