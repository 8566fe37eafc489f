package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RuleRepository;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** System A to system B is a change of the port binding only: the rule stays as it is. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class PortSwapTest {

    static WireMockServer systemA;
    static WireMockServer systemB;

    @Inject
    DataSource dataSource;

    @Inject
    RuleRepository repository;

    @Inject
    PortBindings ports;

    @BeforeAll
    static void startSystems() {
        systemA = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        systemB = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        systemA.start();
        systemB.start();
        systemA.stubFor(post("/contacts").willReturn(aResponse().withStatus(200)));
        systemB.stubFor(post("/v2/people").willReturn(aResponse().withStatus(201)));
    }

    @AfterAll
    static void stopSystems() {
        systemA.stop();
        systemB.stop();
    }

    void sendOneOrder() {
        UUID event = Events.post("swap.order", "\"email\": \"ada@example.com\"");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
    }

    @Test
    void theSameRuleReachesSystemAThenSystemB() {
        Workspace.bindPort("crm", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + systemA.port() + "/contacts"));
        Workspace.writeRule("swap.yaml", """
                rules:
                  - id: orders-to-crm
                    on: swap.order
                    actions: [{id: upsert, port: crm, body: '{"email": "{{data.email}}"}'}]
                """);
        assertEquals(List.of(), repository.reload());
        sendOneOrder();
        assertEquals(1, systemA.findAll(postRequestedFor(urlEqualTo("/contacts"))).size());

        // Only the operator's file changes; the hub notices by itself.
        Workspace.bindPort("crm", Map.of("connector", "http",
                "url", "http://127.0.0.1:" + systemB.port() + "/v2/people", "auth", "bearer", "token", "b-token"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ports.find("crm").orElseThrow()
                .settings().get("url", "").contains(Integer.toString(systemB.port())));
        sendOneOrder();

        assertEquals(1, systemA.findAll(postRequestedFor(urlEqualTo("/contacts"))).size());
        assertEquals(1, systemB.findAll(postRequestedFor(urlEqualTo("/v2/people"))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer b-token")))
                .size());
    }
}
