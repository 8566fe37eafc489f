package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * The dry run explains itself (issue 15, point 4): every loaded rule says whether it would fire
 * and, if not, which step said no (type, source, condition with the values of the fields it names,
 * a model); an action that would run shows where it would go, its headers (secrets masked) and body.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DryRunExplanationTest {

    @Inject
    RulesInForce repository;

    @BeforeEach
    void rules() {
        Workspace.bindPort("explain-crm", Map.of("connector", "http", "url", "http://127.0.0.1:9/customers/{{data.customer}}",
                "method", "PUT", "headers.X-Api-Key", "explain-api-key-value", "headers.X-Tenant", "acme",
                "auth", "bearer", "token", "explain-bearer-token"));
        Workspace.bindPort("explain-mail", Map.of("connector", "mail", "host", "127.0.0.1", "from", "hub@example.com",
                "to", "{{data.email}}", "cc", "sales@example.com"));
        Workspace.bindPort("explain-queue", Map.of("connector", "jms", "address", "explain.out"));
        Workspace.writeModel("explain_never", "select false as vip");
        Workspace.writeRule("dry-run-explained.yaml", """
                rules:
                  - id: explain-fires
                    on: explain.order
                    when: "jsonpath:$.data[?(@.total > 100)]"
                    actions:
                      - {id: upsert, port: explain-crm, body: '{"total": {{data.total}}}'}
                      - {id: thank, port: explain-mail, body: 'Thank you'}
                      - {id: forward, port: explain-queue, body: '{}'}
                  - id: explain-misspelt
                    on: explain.order
                    when: "jsonpath:$.data[?(@.amout > 100)]"
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-small
                    on: explain.order
                    when: "jq:.data.total < 10"
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-other-source
                    on: explain.order
                    source: billing
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-other-type
                    on: [explain.refund.*]
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-subject
                    on: explain.order
                    when: 'jq:.subject == "vip" and (.time | startswith("2026-12-01T09:00"))'
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-text
                    on: explain.line
                    when: 'jq:.data | startswith("ORDER|")'
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                  - id: explain-model-says-no
                    on: explain.order
                    require: [explain_never]
                    actions: [{id: upsert, port: explain-crm, body: '{}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    static ValidatableResponse dryRun() {
        return given().contentType("application/json")
                .body("{\"source\": \"events\", \"type\": \"explain.order\", \"data\": {\"total\": 250, \"customer\": \"c-42\","
                        + " \"email\": \"ada@example.com\"}}")
                .post("/api/events/dry-run").then().statusCode(200);
    }

    static String rule(String id) {
        return "rules.find { it.rule == '" + id + "' }.";
    }

    @Test
    void aConditionThatIsFalseNamesTheFieldsItReadsAndAMisspeltOneIsAbsent() {
        dryRun()
                .body(rule("explain-misspelt") + "outcome", equalTo("CONDITION_FALSE"))
                .body(rule("explain-misspelt") + "reason", equalTo("jsonpath:$.data[?(@.amout > 100)] is false: data.amout is absent"))
                .body(rule("explain-small") + "outcome", equalTo("CONDITION_FALSE"))
                .body(rule("explain-small") + "reason", equalTo("jq:.data.total < 10 is false: data.total = 250"))
                .body(rule("explain-small") + "file", endsWith("/dry-run-explained.yaml"));
    }

    @Test
    void eachOtherStepThatSaysNoIsNamed() {
        dryRun()
                .body(rule("explain-other-source") + "outcome", equalTo("OTHER_SOURCE"))
                .body(rule("explain-other-source") + "reason", equalTo("takes source billing, not events"))
                .body(rule("explain-other-type") + "outcome", equalTo("OTHER_TYPE"))
                .body(rule("explain-other-type") + "reason", equalTo("takes explain.refund.*, not explain.order"))
                .body(rule("explain-model-says-no") + "outcome", equalTo("MODEL_SAID_NO"))
                .body(rule("explain-model-says-no") + "reason", equalTo("model explain_never said no: its first column is false"));
    }

    @Test
    void theEventsSubjectAndTimeAreJudgedAsGivenAndAMisspeltAttributeIsRefused() {
        given().contentType("application/json").body("{\"source\": \"events\", \"type\": \"explain.order\","
                        + " \"subject\": \"vip\", \"time\": \"2026-12-01T09:00:00Z\", \"deliveryid\": \"d-1\", \"data\": {}}")
                .post("/api/events/dry-run").then().statusCode(200)
                .body(rule("explain-subject") + "outcome", equalTo("MATCHED"));
        given().contentType("application/json").body("{\"source\": \"events\", \"type\": \"explain.order\","
                        + " \"subject\": \"vip\", \"time\": \"2026-12-02T09:00:00Z\", \"data\": {}}")
                .post("/api/events/dry-run").then().statusCode(200)
                .body(rule("explain-subject") + "outcome", equalTo("CONDITION_FALSE"));
        // Judged without its data, the event would have said "data.total is absent" as if that were the event.
        given().contentType("application/json").body("{\"source\": \"events\", \"type\": \"explain.order\","
                        + " \"dat\": {\"total\": 250}}")
                .post("/api/events/dry-run").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("unknown field 'dat' (did you mean 'data'?): a CloudEvent has data,"));
        // A text event, as the dashboard fills a recorded one in: its data as text, or as base64.
        for (String data : List.of("\"datacontenttype\": \"text/plain\", \"data\": \"ORDER|1\"",
                "\"datacontenttype\": \"text/plain\", \"data_base64\": \"T1JERVJ8MQ==\"")) {
            given().contentType("application/json").body("{\"source\": \"events\", \"type\": \"explain.line\", "
                            + data + "}")
                    .post("/api/events/dry-run").then().statusCode(200)
                    .body(rule("explain-text") + "outcome", equalTo("MATCHED"));
        }
        given().contentType("application/json").body("{\"source\": \"events\", \"type\": \"explain.order\","
                        + " \"time\": \"yesterday\"}")
                .post("/api/events/dry-run").then().statusCode(400)
                .body("detail", startsWith("time must be an RFC 3339 time"));
    }

    @Test
    void anActionThatWouldRunShowsItsUrlHeadersAndBodyWithSecretsMasked() {
        String action = rule("explain-fires") + "actions[0].";
        dryRun()
                .body(rule("explain-fires") + "outcome", equalTo("MATCHED"))
                .body(action + "target", equalTo("PUT http://127.0.0.1:9/customers/***"))
                .body(action + "headers.X-Tenant", equalTo("acme"))
                .body(action + "headers.X-Api-Key", equalTo("***"))
                .body(action + "headers.Authorization", equalTo("***"))
                .body(action + "headers.Content-Type", equalTo("application/json"))
                .body(action + "body", equalTo("{\"total\": 250}"))
                .body(not(containsString("explain-api-key-value")))
                .body(not(containsString("explain-bearer-token")));
        // Every connector says where its action would go: a mail's recipients rendered for the event.
        dryRun().body(rule("explain-fires") + "actions[1].target", equalTo("mail via 127.0.0.1, To: ada@example.com,"
                        + " Cc: sales@example.com"))
                .body(rule("explain-fires") + "actions[2].target", equalTo("queue explain.out"));
        // The matches list of before, for callers that read it, holds the same action.
        dryRun().body("matches.find { it.rule == 'explain-fires' }.actions[0].target", equalTo("PUT http://127.0.0.1:9/customers/***"));
    }
}
