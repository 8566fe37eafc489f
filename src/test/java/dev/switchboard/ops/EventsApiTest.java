package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** The events API: filters, text search, pages, one event with its runs, and the dry run. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class EventsApiTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeEach
    void rules() {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeModel("big_order", "select (:data.total)::numeric > 100 as big, 'large' as size");
        Workspace.writeRule("events-api.yaml", """
                rules:
                  - id: big-orders
                    on: eventsapi.order
                    when: "jq:.data.total > 10"
                    require: [big_order]
                    actions: [{id: record, port: audit, body: '{"size": "{{models.big_order.size}}", "n": {{data.total}}}'}]
                  - id: cannot-render
                    on: eventsapi.dead-run
                    actions: [{id: record, port: audit, body: '{{data.absent}}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    /** The rules did their part (PROCESSED), but an action died: the list and the event page say so. */
    @Test
    void anEventWhoseRunIsDeadShowsItInTheListAndOnItsPage() {
        UUID event = Events.post("eventsapi.dead-run", "");
        Events.awaitRuns(dataSource, event, java.time.Duration.ofSeconds(20), dev.switchboard.runs.RunState.DEAD);
        given().queryParam("type", "eventsapi.dead-run").get("/api/events").then().statusCode(200)
                .body("items.find { it.id == '" + event + "' }.state", equalTo("PROCESSED"))
                .body("items.find { it.id == '" + event + "' }.dead", equalTo(true))
                .body("items.find { it.id == '" + event + "' }.runs.DEAD", equalTo(1));
        given().get("/api/events/" + event).then().body("event.dead", equalTo(true));
        // The dashboard's list and event page: DashboardBrowserTest.
    }

    @Test
    void filtersSearchAndPages() {
        String marker = "marker-" + UUID.randomUUID();
        UUID first = Events.post("eventsapi.listed", "\"note\": \"" + marker + "\"");
        UUID second = Events.post("eventsapi.listed", "\"note\": \"" + marker + "\"");
        // Each may be judged by another stream consumer, in its own batch: both are waited for.
        Events.awaitOutcome(dataSource, first);
        Events.awaitOutcome(dataSource, second);
        given().queryParam("q", marker).queryParam("type", "eventsapi.listed").queryParam("source", "events")
                .get("/api/events").then().statusCode(200)
                .body("total", equalTo(2)).body("totalExact", equalTo(true)).body("items", hasSize(2))
                .body("items.state", everyItem(equalTo("IGNORED")));
        given().queryParam("q", marker).queryParam("size", 1).queryParam("page", 1).get("/api/events").then()
                .body("items", hasSize(1)).body("page", equalTo(1)).body("total", equalTo(2));
        given().queryParam("q", marker).queryParam("from", "2999-01-01T00:00:00Z").get("/api/events").then()
                .body("total", equalTo(0));
        given().queryParam("from", "yesterday").get("/api/events").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aListOfMoreThanTenThousandEventsCountsTenThousandAndSaysThereAreMore() {
        // Counting all of them cost a page seconds on millions of events, for a figure nobody pages through.
        String source = "many-" + UUID.randomUUID();
        assertEquals(10_001, HubState.count(dataSource, """
                with stored as (
                  insert into event (id, source, delivery_id, type, received_at, state, envelope)
                  select gen_random_uuid(), ?, 'd-' || n, 'eventsapi.many', now(), 'IGNORED', '{}'::jsonb
                  from generate_series(1, 10001) n
                  returning 1)
                select count(*) from stored""", source));
        try {
            given().queryParam("source", source).get("/api/events").then().statusCode(200)
                    .body("total", equalTo(10_000)).body("totalExact", equalTo(false)).body("items", hasSize(50));
            // Paging past the count counts past the page: the last page is known to be the last.
            given().queryParam("source", source).queryParam("size", 100).queryParam("page", 100).get("/api/events")
                    .then().body("total", equalTo(10_001)).body("totalExact", equalTo(true)).body("items", hasSize(1));
        } finally {
            HubState.count(dataSource, "with gone as (delete from event where source = ? returning 1) select count(*)"
                    + " from gone", source);
        }
    }

    @Test
    void filtersByStateAndTimeRange() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(2);
        String marker = "marker-" + UUID.randomUUID();
        Events.awaitOutcome(dataSource, Events.post("eventsapi.listed", "\"note\": \"" + marker + "\""));
        UUID order = Events.post("eventsapi.order", "\"total\": 250, \"note\": \"" + marker + "\"");
        Events.awaitRuns(dataSource, order, Duration.ofSeconds(20), RunState.SUCCEEDED);
        OffsetDateTime after = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(60);

        given().queryParam("q", marker).queryParam("state", "processed").get("/api/events").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].id", equalTo(order.toString()));
        given().queryParam("q", marker).queryParam("state", "IGNORED").get("/api/events").then()
                .body("total", equalTo(1)).body("items[0].type", equalTo("eventsapi.listed"));
        given().queryParam("q", marker).queryParam("from", before.toString()).queryParam("to", after.toString())
                .get("/api/events").then().body("total", equalTo(2));
        given().queryParam("q", marker).queryParam("to", before.toString()).get("/api/events").then()
                .body("total", equalTo(0));
        given().queryParam("state", "SLEEPING").get("/api/events").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("state must be one of [RECEIVED, PROCESSED, IGNORED, FAILED]"));
    }

    @Test
    void oneEventWithPayloadMatchedRulesAndRuns() {
        UUID event = Events.post("eventsapi.order", "\"total\": 250");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        given().get("/api/events/" + event).then().statusCode(200)
                .body("event.state", equalTo("PROCESSED"))
                .body("envelope.data.total", equalTo(250))
                .body("matchedRules", hasItem("big-orders"))
                .body("runs[0].state", equalTo("SUCCEEDED"))
                .body("runs[0].body", equalTo("{\"size\": \"large\", \"n\": 250}"));
        given().get("/api/events/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void sourcesWithTheirRecentCounts() {
        int before = given().get("/api/sources").then().statusCode(200).extract()
                .path("find { it.name == 'events' }.receivedLastDay");
        UUID event = Events.post("eventsapi.counted", "");
        Events.awaitOutcome(dataSource, event);
        given().get("/api/sources").then().statusCode(200)
                .body("find { it.name == 'events' }.receivedLastDay", equalTo(before + 1))
                .body("find { it.name == 'events' }.lastEvent", org.hamcrest.Matchers.notNullValue())
                .body("name", hasItem("github"));
    }

    @Test
    void aDryRunShowsWhatWouldHappenAndDoesNothing() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("{\"id\": \"" + id + "\", \"source\": \"events\", \"type\": \"eventsapi.order\", \"data\": {\"total\": 500}}")
                .post("/api/events/dry-run").then().statusCode(200)
                .body("matches[0].rule", equalTo("big-orders"))
                .body("matches[0].models.big_order.size", equalTo("large"))
                .body("matches[0].actions[0].body", equalTo("{\"size\": \"large\", \"n\": 500}"));
        given().contentType("application/json")
                .body("{\"source\": \"events\", \"type\": \"eventsapi.order\", \"data\": {\"total\": 50}}")
                .post("/api/events/dry-run").then().statusCode(200).body("matches", hasSize(0));
        assertEquals(0, dev.switchboard.support.HubState.count(dataSource,
                "select count(*) from event where id::text = ?", id), "a dry run stores nothing");
        given().contentType("application/json").body("{\"data\": {}}").post("/api/events/dry-run").then()
                .statusCode(400).body("detail", containsString("'source', 'type'"));
        // A structured CloudEvent as senders make them, without data: judged, no rule's data matches.
        given().contentType("application/cloudevents+json")
                .body("{\"specversion\": \"1.0\", \"source\": \"events\", \"type\": \"eventsapi.order\"}")
                .post("/api/events/dry-run").then().statusCode(200).body("matches", hasSize(0));
    }
}
