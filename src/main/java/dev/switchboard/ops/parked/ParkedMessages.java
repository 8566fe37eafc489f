package dev.switchboard.ops.parked;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;

import dev.switchboard.connect.Excerpts;
import dev.switchboard.core.ExchangeKeys;

/**
 * Reads, replays and discards the messages of a {@link ParkingQueue} with plain JMS through the
 * hub's broker connection factory, so it works the same on the embedded and an external Artemis.
 * A replay receives the message and sends it on in one transacted session, and a discard receives
 * it in one: a message is moved or removed exactly once, never lost nor doubled.
 */
@ApplicationScoped
public class ParkedMessages {

    /** How long a receive waits for a message a browse has just seen. */
    private static final long RECEIVE_TIMEOUT_MS = 5000;

    @Inject
    ConnectionFactory broker;

    public record Page(List<ParkedMessage> items, long total) {
    }

    /** The messages of one page, oldest first, and how many there are in all. */
    public Page browse(ParkingQueue queue, int page, int size) {
        List<ParkedMessage> items = new ArrayList<>();
        long first = (long) page * size;
        long[] total = {0};
        browseAll(queue, message -> {
            if (total[0]++ >= first && items.size() < size) {
                items.add(parked(queue, message));
            }
        });
        return new Page(items, total[0]);
    }

    public long count(ParkingQueue queue) {
        return browse(queue, 0, 0).total();
    }

    /** Whether any message is parked there: one look, however many there are. */
    public boolean any(ParkingQueue queue) {
        boolean[] found = {false};
        walk(queue, message -> {
            found[0] = true;
            return false;
        });
        return found[0];
    }

    /** Every parked message's id, at this moment: what a bulk action acts on. */
    private List<String> ids(ParkingQueue queue) {
        List<String> ids = new ArrayList<>();
        browseAll(queue, message -> ids.add(message.getJMSMessageID()));
        return ids;
    }

    private interface Visit {
        void accept(Message message) throws JMSException;
    }

    /** A visit that says whether to go on. */
    private interface Look {
        boolean goOn(Message message) throws JMSException;
    }

    private void browseAll(ParkingQueue queue, Visit visit) {
        walk(queue, message -> {
            visit.accept(message);
            return true;
        });
    }

    private void walk(ParkingQueue queue, Look look) {
        try (JMSContext context = broker.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = context.createBrowser(context.createQueue(queue.name()), queue.selector())) {
            for (Enumeration<?> messages = browser.getEnumeration(); messages.hasMoreElements();) {
                if (!look.goOn((Message) messages.nextElement())) {
                    return;
                }
            }
        } catch (InvalidDestinationException | InvalidDestinationRuntimeException nothingParkedYet) {
            // The queue is created by the first message parked on it. The browser reports its
            // absence as the checked exception, calls on the context as the runtime one.
        } catch (JMSException e) {
            throw new IllegalStateException("Cannot browse " + queue.name() + ": " + e.getMessage(), e);
        }
    }

    /** Sends the message back to the queue's replay address; false when there is no such message. */
    public boolean replay(ParkingQueue queue, String id) {
        String target = queue.replayTo().orElseThrow(() -> new IllegalArgumentException(
                queue.name() + " has no replay address"));
        return take(queue, id, (context, message) -> {
            withoutParkingProperties(message);
            context.createProducer().send(context.createQueue(target), message);
        });
    }

    /** Removes the message for good; false when there is no such message. */
    public boolean discard(ParkingQueue queue, String id) {
        return take(queue, id, (context, message) -> {
        });
    }

    /**
     * Replays every message parked now, each in its own transaction. Messages parked meanwhile
     * (a replayed message that fails again comes back) wait for the next bulk action.
     */
    public int replayAll(ParkingQueue queue) {
        return (int) ids(queue).stream().filter(id -> replay(queue, id)).count();
    }

    /** Discards every message parked now; messages parked meanwhile stay. */
    public int discardAll(ParkingQueue queue) {
        return (int) ids(queue).stream().filter(id -> discard(queue, id)).count();
    }

    private interface Move {
        void with(JMSContext context, Message message) throws JMSException;
    }

    /** Receives the message by its id and does the move in the same transaction, then commits. */
    private boolean take(ParkingQueue queue, String id, Move move) {
        String selector = "JMSMessageID = '" + id.replace("'", "''") + "'"
                + (queue.selector() == null ? "" : " AND (" + queue.selector() + ")");
        try (JMSContext context = broker.createContext(JMSContext.SESSION_TRANSACTED)) {
            // A browse first, since a receive for an absent message would wait the whole timeout;
            // before the consumer exists, which would take the message out of the browser's sight.
            if (!context.createBrowser(context.createQueue(queue.name()), selector).getEnumeration()
                    .hasMoreElements()) {
                return false;
            }
            Message message = context.createConsumer(context.createQueue(queue.name()), selector)
                    .receive(RECEIVE_TIMEOUT_MS);
            if (message == null) {
                return false; // taken by someone else meanwhile
            }
            move.with(context, message);
            context.commit();
            return true;
        } catch (InvalidDestinationException | InvalidDestinationRuntimeException nothingParkedYet) {
            return false;
        } catch (JMSException e) {
            throw new IllegalStateException("Cannot move " + id + " from " + queue.name() + ": " + e.getMessage(), e);
        }
    }

    /** The reason and the parking source or route go: if it fails again, it is parked with a new reason. */
    private static void withoutParkingProperties(Message message) throws JMSException {
        Map<String, Object> kept = new HashMap<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            String property = (String) name;
            // JMS-defined properties (JMSXDeliveryCount, ...) belong to the broker, not the message.
            if (!property.startsWith("JMS") && !property.equals(ExchangeKeys.PARKED_REASON)
                    && !property.equals(ExchangeKeys.PARKED_SOURCE)) {
                kept.put(property, message.getObjectProperty(property));
            }
        }
        message.clearProperties();
        for (Map.Entry<String, Object> property : kept.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
    }

    private static ParkedMessage parked(ParkingQueue queue, Message message) throws JMSException {
        String route = message.getStringProperty(ExchangeKeys.PARKED_ROUTE);
        long timestamp = message.getJMSTimestamp();
        return new ParkedMessage(message.getJMSMessageID(),
                timestamp > 0 ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(timestamp), ZoneOffset.UTC) : null,
                message.getStringProperty(ExchangeKeys.PARKED_REASON),
                route != null ? "route " + route : queue.from(), excerpt(message));
    }

    private static String excerpt(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return Excerpts.of(Optional.ofNullable(text.getText()).orElse(""));
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) Math.min(bytes.getBodyLength(), Excerpts.MAX * 4L)];
            bytes.readBytes(body);
            return Excerpts.of(new String(body, StandardCharsets.UTF_8));
        }
        return "(a " + message.getClass().getSimpleName() + ", not shown)";
    }
}
