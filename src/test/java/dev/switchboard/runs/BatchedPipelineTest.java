package dev.switchboard.runs;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.Envelopes;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * The pipeline's batches keep every guarantee of one event at a time: a batch whose commit fails
 * keeps nothing of any of its acceptances, copies of a delivery make one event and one stream
 * message whether they share a batch or not, and one poison event does not take its consumed
 * batch's neighbours down with it; and a consumed batch waits no longer than its linger.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BatchedPipelineTest {

    private static final String DUPLICATES = "switchboard_stream_duplicates_total";

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionFactory connectionFactory;

    @Test
    void twoHundredConcurrentAcceptancesWhoseCommitFailsAreAll503AndNothingOfThemIsKept() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("batch-fail-" + UUID.randomUUID());
        }
        // A check deferred to commit time that fails as a lost connection would: the statements of
        // the batch succeed, its commit does not.
        HubState.execute(dataSource, """
                create or replace function test_fail_commit() returns trigger language plpgsql as $$
                begin raise exception 'commit made to fail' using errcode = '08006'; end $$""");
        HubState.execute(dataSource, """
                create constraint trigger test_fail_commit after insert on stream_outbox
                deferrable initially deferred for each row execute function test_fail_commit()""");
        List<Response> refused;
        long published;
        long publishedAfter;
        try {
            // What was accepted before the trigger (the hub's own alert events, say) leaves the
            // outbox first; from here on nothing new can be accepted, so nothing new is relayed.
            await().atMost(Duration.ofSeconds(20)).until(() -> HubState.count(dataSource,
                    "select count(*) from stream_outbox") == 0);
            published = Queues.added(StreamAddresses.EVENTS);
            refused = postAll(ids);
            publishedAfter = Queues.added(StreamAddresses.EVENTS);
        } finally {
            HubState.execute(dataSource, "drop trigger test_fail_commit on stream_outbox");
        }
        for (Response response : refused) {
            assertEquals(503, response.statusCode(), response.asString());
            assertEquals("5", response.header("Retry-After"));
            assertEquals("urn:switchboard:problem:unavailable", response.jsonPath().getString("type"));
        }
        String[] keys = ids.stream().map(id -> "events:" + id).toArray(String[]::new);
        String[] events = ids.stream().map(id -> IncomingEvent.eventId("events", id).toString()).toArray(String[]::new);
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where id = any (cast(? as uuid[]))", (Object) events));
        assertEquals(0, HubState.count(dataSource,
                "select count(*) from idempotency_key where processor = 'ingest' and key = any (?)", (Object) keys));
        assertEquals(0, HubState.count(dataSource, "select count(*) from stream_outbox where event_id = any (cast(? as uuid[]))",
                (Object) events));
        assertEquals(published, publishedAfter, "nothing reached the stream");

        double duplicates = HubState.metric(DUPLICATES);
        for (Response response : postAll(ids)) {
            assertEquals(202, response.statusCode(), response.asString());
        }
        for (Response response : postAll(ids)) {
            assertEquals(200, response.statusCode(), response.asString());
        }
        assertEquals(200, HubState.count(dataSource, "select count(*) from event where id = any (cast(? as uuid[]))", (Object) events));
        await().atMost(Duration.ofSeconds(30)).until(() -> HubState.count(dataSource,
                "select count(*) from event where id = any (cast(? as uuid[])) and state = 'IGNORED'", (Object) events) == 200);
        assertEquals(duplicates, HubState.metric(DUPLICATES), "one stream message per event");
    }

    @Test
    void copiesOfADeliveryInOneBatchAndAcrossBatchesMakeOneEventAndOneStreamMessage() throws Exception {
        String id = "copies-" + UUID.randomUUID();
        double duplicates = HubState.metric(DUPLICATES);
        // Sixty copies at once, held while the acceptance writers wait for a lock on the keys'
        // table: at most one batch per writer is taken meanwhile, so the copies queued behind them
        // go together into the batches taken once the lock goes (copies inside one batch).
        List<Response> first;
        try (java.sql.Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table idempotency_key in share mode");
            java.util.concurrent.CompletableFuture<List<Response>> sent = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return postAll(java.util.Collections.nCopies(60, id));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            Thread.sleep(1_500);
            assertFalse(sent.isDone(), "the copies wait for the lock");
            lock.rollback();
            first = sent.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<Response> later = postAll(java.util.Collections.nCopies(20, id));
        long accepted = first.stream().filter(response -> response.statusCode() == 202).count()
                + later.stream().filter(response -> response.statusCode() == 202).count();
        assertEquals(1, accepted, "one copy accepted");
        assertTrue(first.stream().allMatch(response -> response.statusCode() == 202 || response.statusCode() == 200));
        assertTrue(later.stream().allMatch(response -> response.statusCode() == 200
                && "duplicate".equals(response.jsonPath().getString("status"))));
        UUID event = IncomingEvent.eventId("events", id);
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", event));
        await().atMost(Duration.ofSeconds(20)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, event)));
        assertEquals(duplicates, HubState.metric(DUPLICATES), "one stream message");
    }

    @Test
    void aPoisonEventInAConsumedBatchIsParkedAloneAndItsNeighboursAreProcessed() throws Exception {
        List<UUID> neighbours = new ArrayList<>();
        List<String> envelopes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CloudEvent event = event("test.neighbour");
            neighbours.add(UUID.fromString(event.getId()));
            envelopes.add(new String(Envelopes.serialize(event), StandardCharsets.UTF_8));
        }
        // An event type no index can hold (PostgreSQL's btree rows stop at 2,704 bytes): the
        // database refuses it as data (SQLSTATE 54000) however often it is tried.
        byte[] noise = new byte[6000];
        new SecureRandom().nextBytes(noise);
        CloudEvent poison = event("test.poison." + Base64.getEncoder().encodeToString(noise));
        envelopes.add(5, new String(Envelopes.serialize(poison), StandardCharsets.UTF_8));

        // One broker transaction, so that the consumer finds them together.
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            envelopes.forEach(envelope -> context.createProducer().send(context.createQueue(StreamAddresses.EVENTS), envelope));
            context.commit();
        }

        for (UUID neighbour : neighbours) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, neighbour)));
        }
        try (JMSContext context = connectionFactory.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue(StreamAddresses.PARKED),
                        ExchangeKeys.PARKED_REASON + " LIKE 'the database refused the event%'")) {
            Message parked = consumer.receive(10_000);
            assertTrue(parked != null, "the poison event is parked on " + StreamAddresses.PARKED);
            assertTrue(parked.getBody(String.class).contains(poison.getId()));
            assertTrue(parked.getStringProperty(ExchangeKeys.PARKED_REASON).contains("index row size"),
                    parked.getStringProperty(ExchangeKeys.PARKED_REASON));
        }
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where id = ?",
                UUID.fromString(poison.getId())));
    }

    @Test
    void aConsumedBatchClosesOnceItsLingerHasPassedSinceItsFirstMessageThoughMoreKeepArriving() throws Exception {
        // One message every 20 ms for 4 s, and a linger of 1 s: about 50 messages. A batch that
        // waited the linger after each message instead would take all 200.
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (Connection connection = connectionFactory.createConnection();
                JMSContext sending = connectionFactory.createContext()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            // Its own queue: a failed run leaves its messages behind for no later one to find.
            Queue queue = session.createQueue("test.linger." + UUID.randomUUID());
            MessageConsumer consumer = session.createConsumer(queue);
            connection.start();
            Future<?> sent = sender.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    sending.createProducer().send(queue, "message " + i);
                    Thread.sleep(20);
                }
                return null;
            });

            List<Message> batch = StreamConsumer.receive(consumer, Duration.ofSeconds(10), 256, Duration.ofSeconds(1));

            assertTrue(batch.size() > 1 && batch.size() < 100, batch.size() + " messages in the batch");
            sent.get();
            while (consumer.receive(1_000) != null) {
                // the rest, taken off the queue with the batch in one commit
            }
            session.commit();
        } finally {
            sender.shutdownNow();
        }
    }

    private static CloudEvent event(String type) {
        return CloudEventBuilder.v1().withId(IncomingEvent.eventId("open", UUID.randomUUID().toString()).toString())
                .withSource(URI.create("open")).withType(type).withTime(OffsetDateTime.now())
                .withDataContentType("application/json").withData("{\"n\":1}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** Posts one delivery per id through the unsigned source, all at once, and returns the answers in order. */
    private static List<Response> postAll(List<String> ids) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(ids.size());
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (String id : ids) {
                answers.add(senders.submit(() -> given().contentType("application/json")
                        .body("{\"id\":\"" + id + "\",\"type\":\"test.batch\"}").post("/hooks/events")));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get());
            }
            return responses;
        } finally {
            senders.shutdownNow();
        }
    }
}
