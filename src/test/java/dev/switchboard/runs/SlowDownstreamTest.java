package dev.switchboard.runs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A slow downstream holds run workers, not database connections: with a pool of 20 connections
 * (the test hub's, {@link HubTestProfile#POOL}), 500 calls to a port that answers after one second
 * all finish within ten seconds. Were a connection held across each call, they would take 25 s.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class SlowDownstreamTest {

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(600)
                .jettyAcceptors(2));
        downstream.start();
        downstream.stubFor(post(urlPathMatching("/slow/.*")).willReturn(aResponse().withStatus(200).withFixedDelay(1000)));
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    @Test
    void fiveHundredCallsToAPortAnsweringAfterOneSecondFinishWithinTenSecondsOnTwentyConnections() {
        Workspace.bindPort("slow", Map.of("connector", "http", "url", "http://127.0.0.1:" + downstream.port()
                + "/slow/{{data.id}}"));
        String type = "slow." + UUID.randomUUID();
        assertEquals(List.of(), repository.reload());

        // 500 runs due at one moment, as the stream would plan them for a burst of events; the
        // clock runs from that moment to the last outcome recorded.
        long due = HubState.count(dataSource, """
                with due as (select now() + interval '2 seconds' as at),
                events as (
                  insert into event (id, source, delivery_id, type, received_at, state, envelope)
                  select gen_random_uuid(), 'events', ? || '-' || n, ?, now(), 'IGNORED',
                      jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid()::text, 'source', 'events',
                          'type', ?, 'datacontenttype', 'application/json', 'data', jsonb_build_object('id', ? || '-' || n))
                  from generate_series(1, 500) n
                  returning id, envelope),
                runs as (
                  insert into action_run (id, event_id, rule_id, action_id, port, body, state, max_attempts,
                      initial_delay_ms, max_delay_ms, next_attempt_at)
                  select gen_random_uuid(), id, 'call-slow', 'call', 'slow', '{}', 'PENDING', 3, 100, 1000, due.at
                  from events, due
                  returning 1)
                select (extract(epoch from due.at) * 1000)::bigint from due where (select count(*) from runs) = 500
                """, type, type, type, type);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> HubState.count(dataSource,
                "select count(*) from action_run r join event e on e.id = r.event_id where e.type = ? and r.state = 'SUCCEEDED'",
                type) == 500);
        long last = HubState.count(dataSource, """
                select (extract(epoch from max(r.updated_at)) * 1000)::bigint
                from action_run r join event e on e.id = r.event_id where e.type = ?""", type);
        long took = last - due;
        assertTrue(took < 10_000, "500 one-second calls took " + took + " ms from their runs falling due to the last outcome");
        assertEquals(500, downstream.findAll(postRequestedFor(urlPathMatching("/slow/" + type + "-.*"))).size(),
                "one call per run");
    }
}
