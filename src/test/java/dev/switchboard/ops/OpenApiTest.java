package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubTestProfile;

/** The API is described by OpenAPI at /q/openapi. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class OpenApiTest {

    @Test
    void describesTheApi() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/runs/{id}/replay"))
                .body(containsString("/api/events/dry-run"))
                .body(containsString("/api/events/{id}/reprocess"))
                .body(containsString("/api/rules"))
                .body(containsString("/api/incidents"))
                .body(containsString("/api/sources"));
    }
}
