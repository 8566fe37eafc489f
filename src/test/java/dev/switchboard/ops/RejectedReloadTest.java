package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A rule file that fails to load is named where it went wrong: readiness stays UP (the previous
 * rules keep running) with a warning and the problem at its file:line, and the dashboard's overview
 * shows it above everything else, until the file is fixed.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RejectedReloadTest {

    static final String FILE = "rejected-reload.yaml";

    @Inject
    RulesInForce repository;

    @AfterEach
    void fixTheFile() {
        Workspace.deleteRule(FILE);
        assertEquals(List.of(), repository.reload());
    }

    String overview() {
        return given().auth().none().cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.VIEWER))
                .get("/ui").then().statusCode(200).extract().asString();
    }

    @Test
    void aRejectedReloadShowsInReadinessAndAtTheTopOfTheOverview() {
        assertEquals(List.of(), repository.reload());
        assertFalse(overview().contains("rejected-reload"), "nothing rejected yet");

        Workspace.writeRule(FILE, """
                rules:
                  - id: rejected-reload
                    on: rejected.*
                    actions: [{id: call, port: no-such-port}]
                """);
        assertFalse(repository.reload().isEmpty());
        String problem = FILE + ":4: ";

        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'rules' }.data.loadErrors", equalTo(1))
                .body("checks.find { it.name == 'rules' }.data.warning", containsString("reload was rejected"))
                .body("checks.find { it.name == 'rules' }.data.rejected", containsString(problem))
                .body("checks.find { it.name == 'rules' }.data.rejected", containsString("no-such-port"));

        String page = overview();
        int rejected = page.indexOf("id=\"rejected-reload\"");
        assertTrue(rejected > 0, page);
        assertTrue(rejected < page.indexOf("class=\"tiles\""), "above the tiles");
        String section = page.substring(rejected, page.indexOf("</section>", rejected));
        assertTrue(section.contains(FILE + ":4</code>: unknown port &#39;no-such-port&#39;"), section);
    }
}
