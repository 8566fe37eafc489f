package dev.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.support.ConfigChecks;

/**
 * Before anything starts, a {@code switchboard.*} key that nothing reads is named with the closest
 * one that exists; every key a mapping reads, under maps and lists too, passes.
 */
class ConfigKeysCheckTest {

    static List<SettingProblem> check(Map<String, String> settings) {
        return ConfigChecks.problems(new ConfigKeysCheck(), settings);
    }

    @Test
    void everyKeyAMappingReadsPassesUnderMapsAndListsToo() {
        assertEquals(List.of(), check(Map.of(
                "switchboard.runs.claim-timeout", "1m",
                "switchboard.ports.crm.url", "http://crm",
                "switchboard.ports.crm.retry.max-attempts", "3",
                "switchboard.expectations.payroll.every", "1h",
                "switchboard.datasources.crm.jdbc-url", "jdbc:postgresql://localhost/crm",
                "switchboard.alerts.check-interval", "5s",
                "switchboard.embedded.postgres-port", "5433",
                "quarkus.http.port", "8080",
                // a source's keys are SourcesCheck's, which knows each kind's
                "switchboard.sources.shop.secert", "s")));
    }

    @Test
    void everyKeyTheShippedFilesAndTheGuidesSetPasses() throws java.io.IOException {
        // A key the example, the Kubernetes manifests or a guide tells an operator to set, which the
        // check then refused, would stop their hub at its first start.
        Map<String, String> written = new java.util.TreeMap<>();
        java.util.regex.Pattern setting = java.util.regex.Pattern.compile("(switchboard\\.[a-z][A-Za-z0-9_.\\-]+)=");
        for (String root : List.of("application.properties", "kubernetes", "docs")) {
            try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(root))) {
                for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    setting.matcher(java.nio.file.Files.readString(file)).results()
                            .forEach(match -> written.put(match.group(1), file.toString()));
                }
            }
        }
        assertTrue(written.size() > 20, "found the keys: " + written);
        assertEquals(List.of(), check(written).stream().map(problem -> problem.message() + " in "
                + written.get(problem.setting())).toList());
    }

    @Test
    void aMisspeltKeyIsNamedWithTheClosestThatExists() {
        List<SettingProblem> problems = check(Map.of(
                "switchboard.runs.claim-timout", "1m",
                "switchboard.sourcs.shop.kind", "webhook",
                "switchboard.expectations.payroll.evry", "1h",
                "switchboard.nothing-like-it", "x"));
        assertEquals(List.of(
                "unknown setting 'switchboard.expectations.payroll.evry' (did you mean"
                        + " 'switchboard.expectations.payroll.every'?): nothing reads it (docs/configuration.md lists every setting)",
                "unknown setting 'switchboard.nothing-like-it': nothing reads it (docs/configuration.md lists every setting)",
                "unknown setting 'switchboard.runs.claim-timout' (did you mean 'switchboard.runs.claim-timeout'?): nothing"
                        + " reads it (docs/configuration.md lists every setting)",
                "unknown setting 'switchboard.sourcs.shop.kind' (did you mean 'switchboard.sources.shop.kind'?): nothing"
                        + " reads it (docs/configuration.md lists every setting)"),
                problems.stream().map(SettingProblem::message).toList());
        assertEquals("switchboard.runs.claim-timout", problems.get(2).setting(), "named so that its line is found");
    }
}
