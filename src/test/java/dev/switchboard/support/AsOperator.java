package dev.switchboard.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/** Tests call the API as the test operator; a test that needs otherwise says so per request. */
public class AsOperator implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.authentication = RestAssured.preemptive().basic(HubTestProfile.OPERATOR, HubTestProfile.PASSWORD);
    }
}
