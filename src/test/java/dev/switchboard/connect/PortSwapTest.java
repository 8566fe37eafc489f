package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** System A to system B, then to a queue, is a change of the port binding only: the rule stays as it is. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class PortSwapTest {

    static WireMockServer systemA;
    static WireMockServer systemB;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    PortBindings ports;

    @Inject
    ConnectionFactory connectionFactory;

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

    /** Returns the order's run. */
    UUID sendOneOrder() {
        UUID event = Events.post("swap.order", "\"email\": \"ada@example.com\"");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        return Events.runOf(dataSource, event);
    }

    @Test
    void theSameRuleReachesSystemAThenSystemB() throws Exception {
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

        // Another kind of system altogether: a queue instead of an HTTP API, still only by configuration.
        Workspace.bindPort("crm", Map.of("connector", "jms", "address", "swap.crm"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ports.find("crm").orElseThrow().connectorName().equals("jms"));
        UUID run = sendOneOrder();

        assertEquals(1, systemB.findAll(postRequestedFor(urlEqualTo("/v2/people"))).size());
        try (JMSContext context = connectionFactory.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue("swap.crm"),
                        "IdempotencyKey = '" + run + "'")) {
            Message message = consumer.receive(5000);
            assertNotNull(message, "the order reached the queue");
            assertEquals("{\"email\": \"ada@example.com\"}", message.getBody(String.class));
        }
    }
}
