package dev.switchboard.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.support.ConfigChecks;

/**
 * Before anything starts, a setting a port's built-in connector does not take is named with the
 * closest one it does; a project's own connector is left to the first load, where CDI knows it.
 */
class PortsCheckTest {

    static List<SettingProblem> check(Map<String, String> settings) {
        return ConfigChecks.problems(new PortsCheck(), settings);
    }

    @Test
    void aMisspeltSettingOfABuiltInConnectorIsNamedWithTheClosest() {
        List<SettingProblem> problems = check(Map.of(
                "switchboard.ports.ledger.connector", "http",
                "switchboard.ports.ledger.ulr", "http://ledger/entries",
                "switchboard.ports.crm.connector", "http",
                "switchboard.ports.crm.url", "http://crm",
                "switchboard.ports.crm.retry.max-attempts", "3",
                "switchboard.ports.crm.headers.X-Api-Key", "k"));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("switchboard.ports.ledger.ulr", problems.get(0).setting());
        assertTrue(problems.get(0).message().startsWith("Port 'ledger': unknown setting 'ulr' for the http connector"
                + " (did you mean 'url'?); it takes "), problems.get(0).message());
    }

    @Test
    void aMisspeltConnectorIsNamedBeforeAnythingStartsAndAMissingOneIsLeftToTheLoad() {
        List<SettingProblem> problems = check(Map.of(
                "switchboard.ports.ledger.conector", "http",
                "switchboard.ports.ledger.url", "http://ledger/entries",
                // Its connector may come from the environment: only the load can tell.
                "switchboard.ports.crm.url", "http://crm"));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("switchboard.ports.ledger.conector", problems.get(0).setting());
        assertEquals("Port 'ledger': unknown setting 'conector' (did you mean 'connector'?); set"
                + " switchboard.ports.ledger.connector", problems.get(0).message());
    }

    @Test
    void aTimeoutIsRefusedWhereTheConnectorCannotBoundACallByIt() {
        List<SettingProblem> problems = check(Map.of(
                "switchboard.ports.catalog.connector", "kamelet",
                "switchboard.ports.catalog.kamelet", "log-sink",
                "switchboard.ports.catalog.timeout", "5s",
                "switchboard.ports.crm.connector", "http",
                "switchboard.ports.crm.url", "http://crm",
                "switchboard.ports.crm.timeout", "5s",
                "switchboard.ports.mailer.connector", "mail",
                "switchboard.ports.mailer.timeout", "5s"));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("switchboard.ports.catalog.timeout", problems.get(0).setting());
        assertTrue(problems.get(0).message().startsWith("Port 'catalog': unknown setting 'timeout' for the kamelet"
                + " connector"), problems.get(0).message());
    }

    @Test
    void aRetryBudgetThatCannotWorkIsNamedBySettingNotByPort() {
        List<SettingProblem> problems = check(Map.of(
                "switchboard.ports.chat.connector", "http",
                "switchboard.ports.chat.url", "http://chat",
                "switchboard.ports.chat.retry.initial-delay", "10m",
                "switchboard.ports.chat.retry.max-delay", "1s",
                "switchboard.ports.crm.connector", "http",
                "switchboard.ports.crm.url", "http://crm",
                "switchboard.ports.crm.retry.max-attempts", "ten",
                "switchboard.ports.ledger.connector", "http",
                "switchboard.ports.ledger.url", "http://ledger",
                "switchboard.ports.ledger.retry.max-delay", "5"));
        assertEquals(List.of(
                "switchboard.ports.chat.retry.initial-delay: Port 'chat': retry.initial-delay (10m) is longer than"
                        + " retry.max-delay (1s)",
                "switchboard.ports.crm.retry.max-attempts: Port 'crm': retry.max-attempts must be a whole number of"
                        + " at least 1, not 'ten'",
                "switchboard.ports.ledger.retry.max-delay: Port 'ledger': retry.max-delay: '5' needs a unit, such as"
                        + " 5s, 5m, 5h or 5d"),
                problems.stream().map(problem -> problem.setting() + ": " + problem.message()).sorted().toList());
    }

    @Test
    void aProjectsOwnConnectorIsLeftToTheFirstLoad() {
        assertEquals(List.of(), check(Map.of("switchboard.ports.audit.connector", "recorder",
                "switchboard.ports.audit.anything", "x")));
    }
}
