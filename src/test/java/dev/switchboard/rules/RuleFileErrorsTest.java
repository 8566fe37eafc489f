package dev.switchboard.rules;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.connect.PortBinding;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Every kind of invalid rule file is rejected with file, line and reason; the last valid set stays. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RuleFileErrorsTest {

    static final String FILE = "broken.yaml";

    @Inject
    RulesInForce repository;

    @Inject
    PortBindings ports;

    RuleSet lastGood;

    @BeforeEach
    void validSet() {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeModel("always", "select true");
        Workspace.writeRule("valid.yaml", """
                rules:
                  - id: valid-rule
                    on: errors.valid
                    actions: [{id: record, port: audit}]
                """);
        assertEquals(List.of(), repository.reload());
        lastGood = repository.current();
    }

    @AfterEach
    void removeBrokenFile() {
        Workspace.deleteRule(FILE);
        Workspace.deleteRule("zz-duplicate.yaml");
        Workspace.deleteRule(".#orders.yaml");
        repository.reload();
    }

    RuleLoadError rejected(String yaml) {
        Workspace.writeRule(FILE, yaml);
        List<RuleLoadError> errors = repository.reload();
        assertEquals(1, errors.size(), errors.toString());
        assertSame(lastGood, repository.current(), "the last valid rule set stays active");
        assertTrue(errors.get(0).file().endsWith(FILE), errors.toString());
        return errors.get(0);
    }

    static void assertError(RuleLoadError error, int line, String reason) {
        assertEquals(line, error.line(), error.toString());
        assertTrue(error.reason().contains(reason), error.toString());
    }

    @Test
    void aRetryBudgetThatCannotWorkIsRejectedWithItsLine() {
        assertError(rejected("""
                rules:
                  - id: never-tries
                    on: errors.retry
                    actions:
                      - id: record
                        port: audit
                        retry: {max-attempts: 0}
                """), 7, "retry max-attempts must be at least 1, not 0");
        assertError(rejected("""
                rules:
                  - id: backwards
                    on: errors.retry
                    actions:
                      - id: record
                        port: audit
                        retry:
                          initial-delay: 10m
                          max-delay: 1m
                """), 8, "retry initial-delay (10m) is longer than max-delay (1m)");
    }

    @Test
    void anEditorsHiddenLockFileIsNoRuleFile() {
        // Emacs keeps .#<name> beside a file being edited; loaded, it rejected the whole reload.
        Workspace.writeRule(".#orders.yaml", "rules:\n  - id: x\n    on: [a, b\n");
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void badYaml() {
        assertError(rejected("rules:\n  - id: x\n    on: [a, b\n    actions: []\n"), 4, "invalid YAML");
    }

    @Test
    void unknownKey() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    colour: red\n    actions: [{id: a, port: audit}]\n"),
                4, "unknown key 'colour'");
    }

    @Test
    void unknownKeyInAnAction() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: audit\n"
                + "        retries: 3\n"), 7, "unknown key 'retries'");
    }

    @Test
    void unknownPort() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: fax\n"),
                6, "unknown port 'fax'");
    }

    @Test
    void aMistypedPortKeyOrModelIsNamedWithTheClosestKnownOne() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: audt\n"),
                6, "unknown port 'audt' (did you mean 'audit'?)");
        assertError(rejected("rules:\n  - id: x\n    on: a\n    requires: [always]\n    actions: [{id: a, port: audit}]\n"),
                4, "unknown key 'requires' in a rule (did you mean 'require'?)");
        assertError(rejected("rules:\n  - id: x\n    on: a\n    require: [alwyas]\n    actions: [{id: a, port: audit}]\n"),
                4, "unknown model 'alwyas' (did you mean 'always'?)");
        // Nothing close: no guess.
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: fax\n"),
                6, "unknown port 'fax' (bind it");
    }

    /**
     * A port setting its connector does not take stops the reload, at its line in the operator's
     * file, with the closest setting that connector knows; the bindings before stay in force.
     */
    @Test
    void aMistypedPortSettingIsRefusedAtItsLineWithTheClosestKnownSetting() throws java.io.IOException {
        Workspace.bindPort("typo-sink", Map.of("connector", "http", "ulr", "http://127.0.0.1:9/x"));
        try {
            List<RuleLoadError> errors = repository.reload();
            assertEquals(1, errors.size(), errors.toString());
            RuleLoadError error = errors.get(0);
            assertTrue(error.file().endsWith("application.properties"), error.toString());
            assertTrue(error.reason().startsWith("Port 'typo-sink': unknown setting 'ulr' for the http connector (did you "
                    + "mean 'url'?); it takes "), error.toString());
            assertTrue(error.line() > 0, "the line of switchboard.ports.typo-sink.ulr: " + error);
            String line = java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file()).get(error.line() - 1);
            assertTrue(line.startsWith("switchboard.ports.typo-sink.ulr"), line);
            assertSame(lastGood, repository.current(), "the last valid set stays in force");

            // Set twice, the last line is the one in force, and the one named.
            java.nio.file.Files.writeString(OperatorConfigSourceProvider.file(),
                    "switchboard.ports.typo-sink.ulr=http://127.0.0.1:9/y\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file()).size(),
                    repository.reload().get(0).line());

            // Every port's retry settings are under retry.: the bare name is pointed there.
            Workspace.bindPort("typo-sink", Map.of("connector", "http", "url", "http://127.0.0.1:9/x",
                    "initial-delay", "1s"));
            assertTrue(repository.reload().get(0).reason().contains(
                    "unknown setting 'initial-delay' for the http connector (did you mean 'retry.initial-delay'?)"));
        } finally {
            Workspace.unbindPort("typo-sink");
            repository.reload();
        }
    }

    /**
     * A Kamelet port is checked against the Kamelet's own definition as it is bound: a Kamelet that
     * is not there, a property it does not take, a required one left out. Camel would say so only at
     * the first call, and every call would fail its retries.
     */
    @Test
    void aKameletPortNamingNoKameletOrAPropertyItDoesNotTakeIsRefusedAtItsLine() throws java.io.IOException {
        try {
            assertPortRefused(Map.of("connector", "kamelet", "kamelet", "file-drop-snk", "properties.directory", "target/drops"), "kamelet",
                    "no Kamelet named 'file-drop-snk' in file:kamelets, classpath:kamelets (did you mean 'file-drop-sink'?)");
            assertPortRefused(Map.of("connector", "kamelet", "kamelet", "file-drop-sink", "properties.dirctory", "target/drops"),
                    "properties.dirctory", "Kamelet 'file-drop-sink' takes no property 'dirctory' (did you mean"
                            + " 'directory'?); it takes directory, extension");
            assertPortRefused(Map.of("connector", "kamelet", "kamelet", "file-drop-sink", "properties.extension", "txt"),
                    "kamelet",
                    "Kamelet 'file-drop-sink' requires a value: set switchboard.ports.drop-typo.properties.directory");

            // The catalog's Kamelets are read as the project's are.
            Workspace.bindPort("drop-typo", Map.of("connector", "kamelet", "kamelet", "log-sink",
                    "properties.loggerName", "switchboard.kamelet.check"));
            assertEquals(List.of(), repository.reload());

            // A route template of the project's routes is Camel's to judge, once its file has loaded.
            Workspace.writeRoute("kamelet-template.yaml", """
                    - routeTemplate:
                        id: test-template-sink
                        parameters:
                          - name: category
                        from:
                          uri: kamelet:source
                          steps:
                            - to: "log:{{category}}"
                    """);
            Workspace.bindPort("drop-typo", Map.of("connector", "kamelet", "kamelet", "test-template-sink/drop-route",
                    "properties.category", "switchboard.template.check"));
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> repository.reload().isEmpty());
        } finally {
            Workspace.deleteRoute("kamelet-template.yaml");
            Workspace.unbindPort("drop-typo");
            repository.reload();
        }
    }

    /**
     * An http port's url, method or auth that cannot work is named at its own line, not at the
     * connector's; a url that is missing, at the connector's.
     */
    @Test
    void anHttpPortsSettingThatCannotWorkIsRefusedAtItsOwnLine() throws java.io.IOException {
        try {
            assertPortRefused(Map.of("connector", "http", "url", "http://127.0.0.1:9/x", "method", "fetch"), "method",
                    "method must be one of POST, PUT, PATCH, DELETE, GET, not FETCH");
            assertPortRefused(Map.of("connector", "http", "url", "http://127.0.0.1:9/x", "auth", "digest"), "auth",
                    "auth must be none, basic or bearer, not digest");
            // A setting that is missing has no line of its own: the port's connector line says which port.
            assertPortRefused(Map.of("connector", "http", "method", "PUT"), "connector",
                    "set switchboard.ports.drop-typo.url");
        } finally {
            Workspace.unbindPort("drop-typo");
            repository.reload();
        }
    }

    /** A port without a connector is named at the setting that misspells it, or else at its first line. */
    @Test
    void aPortWithoutItsConnectorIsRefusedAtTheLineThatMisspellsIt() throws java.io.IOException {
        try {
            assertPortRefused(Map.of("conector", "http", "url", "http://127.0.0.1:9/x"), "conector",
                    "unknown setting 'conector' (did you mean 'connector'?); set switchboard.ports.drop-typo.connector");
            assertPortRefused(Map.of("url", "http://127.0.0.1:9/x"), "url", "set switchboard.ports.drop-typo.connector");
        } finally {
            Workspace.unbindPort("drop-typo");
            repository.reload();
        }
    }

    /** Binds the port drop-typo with these settings, and expects the reload refused at {@code setting}'s line. */
    private void assertPortRefused(Map<String, String> binding, String setting, String reason) throws java.io.IOException {
        Workspace.bindPort("drop-typo", binding);
        List<RuleLoadError> errors = repository.reload();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("Port 'drop-typo': " + reason, errors.get(0).reason());
        String line = java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file()).get(errors.get(0).line() - 1);
        assertTrue(line.startsWith("switchboard.ports.drop-typo." + setting + "="), line);
        assertSame(lastGood, repository.current(), "the last valid set stays in force");
    }

    @Test
    void unknownModel() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    require: [vip]\n    actions: [{id: a, port: audit}]\n"),
                4, "unknown model 'vip'");
    }

    @Test
    void badSimpleExpression() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"simple:${body[data] > \"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4, "invalid simple expression");
    }

    @Test
    void badJsonPath() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"jsonpath:$.data[?(@.total >\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4, "invalid JSON path");
    }

    @Test
    void aJsonPathMissingItsClosingParenthesisNamesTheBracketWithACaret() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"jsonpath:$.data[?(@.total > 5]\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4,
                "invalid JSON path: '(' at position 8 is never closed (add ')' before the ']' at position 20)\n"
                        + "    $.data[?(@.total > 5]\n                        ^");
    }

    @Test
    void aJqExpressionClosingABracketNeverOpenedPointsAtIt() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"jq:.data.total)\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4,
                "invalid jq expression: ')' at position 11 closes nothing that is open\n    .data.total)\n"
                        + "               ^");
    }

    @Test
    void aJsonPathCutShortNamesTheBracketLeftOpen() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"jsonpath:$.data[?(@.total >\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4,
                "'(' at position 8 is never closed (add ')')\n    $.data[?(@.total >\n            ^");
    }

    @Test
    void aJqSyntaxErrorPointsAtItsColumn() {
        RuleLoadError error = rejected("rules:\n  - id: x\n    on: a\n    when: \"jq:.data.total >>> 3\"\n"
                + "    actions: [{id: a, port: audit}]\n");
        assertError(error, 4, "invalid jq expression");
        assertTrue(error.reason().contains("\n    .data.total >>> 3\n"), error.reason());
        assertTrue(error.reason().endsWith("^"), error.reason());
    }

    @Test
    void anIndentationSlipGetsAHintAboutIndentation() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n   when: \"jq:true\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4, "hint: check this line's indentation");
    }

    @Test
    void aTabGetsAHintAboutTabs() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n\twhen: \"jq:true\"\n"), 4,
                "hint: YAML indents with spaces, and this line has a tab");
    }

    @Test
    void anUnquotedColonGetsAHintToQuote() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions: [{id: a, port: audit}]\n"
                + "    description: Orders: big ones\n"), 5, "hint: a value with ': ' in it must be quoted");
    }

    @Test
    void badJq() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"jq:.data.total >>> \"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4, "invalid jq expression");
    }

    @Test
    void unknownConditionLanguage() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    when: \"groovy:true\"\n"
                + "    actions: [{id: a, port: audit}]\n"), 4, "simple:, jsonpath: or jq:");
    }

    @Test
    void brokenTemplate() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: audit\n"
                + "        body: '{\"a\": \"{{data.a}\"}'\n"), 7, "not a {{path}} placeholder");
    }

    @Test
    void duplicateRuleIdInAFile() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions: [{id: a, port: audit}]\n"
                + "  - id: x\n    on: b\n    actions: [{id: a, port: audit}]\n"), 5, "duplicate rule id 'x'");
    }

    @Test
    void duplicateActionId() {
        assertError(rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - {id: a, port: audit}\n"
                + "      - {id: a, port: audit}\n"), 6, "duplicate action id 'a'");
    }

    @Test
    void duplicateRuleIdAcrossFiles() {
        Workspace.writeRule("zz-duplicate.yaml", "rules:\n  - id: valid-rule\n    on: b\n    actions: [{id: a, port: audit}]\n");
        List<RuleLoadError> errors = repository.reload();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).file().endsWith("zz-duplicate.yaml"), errors.toString());
        assertError(errors.get(0), 2, "duplicate rule id 'valid-rule', also at ");
        assertSame(lastGood, repository.current());
    }

    @Test
    void aModelOnAnUnknownDatasource() {
        Workspace.writeModel("elsewhere", "-- datasource: nowhere\nselect true");
        try {
            List<RuleLoadError> errors = repository.reload();
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).file().endsWith("elsewhere.sql"), errors.toString());
            assertError(errors.get(0), 1, "unknown datasource 'nowhere'");
            assertSame(lastGood, repository.current());

            Workspace.writeModel("elsewhere", "-- datasource: warehose\nselect true");
            assertError(repository.reload().get(0), 1, "unknown datasource 'warehose' (did you mean 'warehouse'?)");
        } finally {
            Workspace.deleteModel("elsewhere");
        }
    }

    @Test
    void aRejectedLoadKeepsThePreviousPortBindings() {
        PortBinding audit = ports.find("audit").orElseThrow();
        try {
            Workspace.bindPort("fresh", Map.of("connector", "log"));
            rejected("rules:\n  - id: x\n    on: a\n    actions: [{id: a, port: fax}]\n");
            assertTrue(ports.find("fresh").isEmpty(), "a binding of a rejected load is not in force");

            // Unbinding a port the rules in force use is rejected too, and the port stays bound.
            Workspace.deleteRule(FILE);
            Workspace.unbindPort("audit");
            List<RuleLoadError> errors = repository.reload();
            assertTrue(errors.toString().contains("unknown port 'audit'"), errors.toString());
            assertSame(lastGood, repository.current());
            assertSame(audit, ports.find("audit").orElseThrow(), "the previous binding stays in force");
        } finally {
            Workspace.unbindPort("fresh");
        }
    }

    @Test
    void errorsAreShownThroughTheApi() {
        rejected("rules:\n  - id: x\n    on: a\n    actions:\n      - id: a\n        port: fax\n");
        given().get("/api/rules").then().statusCode(200)
                .body("errors.reason", hasItem(containsString("unknown port 'fax'")))
                .body("errors.line", hasItem(6))
                .body("rules.id", hasItem("valid-rule"));
    }
}
