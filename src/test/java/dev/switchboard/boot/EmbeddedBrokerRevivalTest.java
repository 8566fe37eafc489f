package dev.switchboard.boot;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;

/**
 * An embedded broker that stops by itself (as Artemis does on a critical error) is started again
 * by the hub's watchdog, and events flow through the stream as before. A broker stopped on purpose
 * is the outage tests' business, and stays stopped (see OutageTest).
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class EmbeddedBrokerRevivalTest {

    @Inject
    DataSource dataSource;

    @Test
    void aBrokerThatStoppedByItselfIsStartedAgainAndTheStreamFlowsWithNoErrorLogged() throws Exception {
        ActiveMQServer stopped = EmbeddedBroker.server();
        try (CapturedLog log = CapturedLog.open()) {
            stopped.stop(); // underneath EmbeddedBroker, as a critical error would

            await().atMost(Duration.ofSeconds(30)).until(
                    () -> EmbeddedBroker.server() != null && EmbeddedBroker.server().isActive());
            assertNotSame(stopped, EmbeddedBroker.server(), "a new broker runs, on the same journal and port");

            await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
            // The queue sources' consumers lose their sessions mid-receive and start again: warnings,
            // not an ERROR with a stack for each ("Listener exception overridden by rollback exception").
            assertEquals(List.of(), log.errors(), "nothing at ERROR for a broker the hub restarts by itself");
        }
        UUID event = Events.post("revival.checked", "");
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, event), "consumed from the stream again");
    }
}
