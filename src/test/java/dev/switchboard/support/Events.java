package dev.switchboard.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import dev.switchboard.runs.RunState;
import dev.switchboard.stream.Envelopes;
import dev.switchboard.stream.IncomingEvent;

/** Posts events through the unsigned test source {@code events} and waits for their outcome. */
public final class Events {

    private Events() {
    }

    /** Posts {@code {"id": <new>, "type": type, ...fields}} and returns the event id. */
    public static UUID post(String type, String fields) {
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + deliveryId + "\",\"type\":\"" + type + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
        given().contentType("application/json").body(body).post("/hooks/events").then().statusCode(202);
        return IncomingEvent.eventId("events", deliveryId);
    }

    /**
     * A CloudEvent as it travels on the stream, from the source {@code open}, for a test that
     * publishes to the stream itself (as the hub alone may).
     */
    public static String envelope(String id, String type, String data) {
        CloudEvent event = CloudEventBuilder.v1().withId(id).withSource(URI.create("open")).withType(type)
                .withTime(OffsetDateTime.now()).withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
        return new String(Envelopes.serialize(event), StandardCharsets.UTF_8);
    }

    /** Waits until the event has left RECEIVED and returns its state. */
    public static String awaitOutcome(DataSource dataSource, UUID event) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String state = HubState.eventState(dataSource, event);
            return state != null && !state.equals("RECEIVED");
        });
        return HubState.eventState(dataSource, event);
    }

    /** Waits until every run of the event is in one of the given states, and returns how many there are. */
    public static long awaitRuns(DataSource dataSource, UUID event, Duration timeout, RunState... states) {
        List<String> names = java.util.Arrays.stream(states).map(Enum::name).toList();
        awaitOutcome(dataSource, event);
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> HubState.count(dataSource,
                "select count(*) from action_run where event_id = ? and not (state = any (?))", event,
                names.toArray(String[]::new)) == 0);
        return HubState.count(dataSource, "select count(*) from action_run where event_id = ?", event);
    }

    /** The id of the event's run, for an event that made exactly one. */
    public static UUID runOf(DataSource dataSource, UUID event) {
        return UUID.fromString(HubState.text(dataSource, "select id::text from action_run where event_id = ?", event));
    }
}
