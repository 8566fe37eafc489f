package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** GET /api/rules: the rules, models and port bindings in force, secrets masked, and a load's errors. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RulesApiTest {

    static final String TOKEN = "rules-api-token-" + System.nanoTime();

    @Inject
    RulesInForce repository;

    @AfterEach
    void unbindTheBrokenPort() {
        Workspace.unbindPort("rulesapi-broken");
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void showsModelsAndPortsWithSecretsMaskedAndLoadErrors() {
        Workspace.bindPort("rulesapi-crm", Map.of("connector", "http", "url", "http://127.0.0.1:9/crm",
                "auth", "bearer", "token", TOKEN));
        Workspace.writeModel("rulesapi_size", "select 'large' as size");
        Workspace.writeRule("rules-api.yaml", """
                rules:
                  - id: rulesapi-rule
                    on: rulesapi.*
                    require: [rulesapi_size]
                    actions: [{id: call, port: rulesapi-crm}]
                """);
        assertEquals(List.of(), repository.reload());
        given().get("/api/rules").then().statusCode(200)
                .body("rules.find { it.id == 'rulesapi-rule' }.require", equalTo(List.of("rulesapi_size")))
                .body("models.find { it.name == 'rulesapi_size' }.file", endsWith("rulesapi_size.sql"))
                .body("models.find { it.name == 'rulesapi_size' }.datasource", equalTo("(hub)"))
                .body("ports.find { it.port == 'rulesapi-crm' }.connector", equalTo("http"))
                .body("ports.find { it.port == 'rulesapi-crm' }.settings.url", equalTo("http://127.0.0.1:9/crm"))
                .body("ports.find { it.port == 'rulesapi-crm' }.settings.token", equalTo("***"))
                .body(not(containsString(TOKEN)))
                .body("errors", hasSize(0));

        // A broken binding: the load is rejected and says where and why.
        Workspace.bindPort("rulesapi-broken", Map.of("connector", "carrier-pigeon"));
        repository.reload();
        given().get("/api/rules").then().statusCode(200)
                .body("errors.reason", hasItem(containsString("Port 'rulesapi-broken'")))
                .body("errors.file", hasItem(OperatorConfigSourceProvider.file().toString()))
                // at the line that binds the port to a connector that does not exist
                .body("errors.line", hasItem(greaterThan(0)))
                .body("rules.id", hasItem("rulesapi-rule"));
        // By default the previous rules keep running and the hub stays ready.
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'rules' }.data.loadErrors", equalTo(1));
    }
}
