package dev.switchboard.ops.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.ops.parked.ParkingQueue;
import dev.switchboard.ops.parked.ParkingQueues;
import dev.switchboard.ops.parked.ParkedMessage;
import dev.switchboard.ops.parked.ParkedMessages;

/**
 * Messages parked on the broker, with their reason: list, replay and discard. DEAD action runs are
 * not here but under {@code /api/runs?state=DEAD}. Also answers at {@code /api/dead-letters}, its
 * path before parked messages and dead runs were told apart.
 */
@Path("/api/{parked: parked|dead-letters}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ParkedResource {

    @Inject
    ParkingQueues queues;

    @Inject
    ParkedMessages parked;

    public record QueueView(String name, String description, String from, String replayTo, long count) {

        public static QueueView of(ParkingQueue queue, long count) {
            return new QueueView(queue.name(), queue.description(), queue.from(), queue.replayTo().orElse(null),
                    count);
        }
    }

    public record MessageList(QueueView queue, List<ParkedMessage> items, int page, int size, long total) {
    }

    @GET
    public List<QueueView> list() {
        return queues.all().stream().map(queue -> QueueView.of(queue, parked.count(queue))).toList();
    }

    @GET
    @Path("{queue}")
    public MessageList messages(@PathParam("queue") String name, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        Pages.check(page, size);
        ParkingQueue queue = queue(name);
        ParkedMessages.Page found = parked.browse(queue, page, size);
        return new MessageList(QueueView.of(queue, found.total()), found.items(), page, size, found.total());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{queue}/{message}/replay")
    public Map<String, String> replay(@PathParam("queue") String name, @PathParam("message") String message) {
        ParkingQueue queue = replayable(queue(name));
        if (!parked.replay(queue, message)) {
            throw noMessage(queue, message);
        }
        return Map.of("replayed", message, "to", queue.replayTo().orElseThrow());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{queue}/{message}/discard")
    public Map<String, String> discard(@PathParam("queue") String name, @PathParam("message") String message) {
        ParkingQueue queue = queue(name);
        if (!parked.discard(queue, message)) {
            throw noMessage(queue, message);
        }
        return Map.of("discarded", message);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{queue}/replay")
    public Map<String, Integer> replayAll(@PathParam("queue") String name) {
        return Map.of("replayed", parked.replayAll(replayable(queue(name))));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("{queue}/discard")
    public Map<String, Integer> discardAll(@PathParam("queue") String name) {
        return Map.of("discarded", parked.discardAll(queue(name)));
    }

    private ParkingQueue queue(String name) {
        return queues.named(name).orElseThrow(() -> ProblemMapper.notFound("No parking queue " + name
                + "; the hub's are " + queues.all().stream().map(ParkingQueue::name).toList()));
    }

    private static ParkingQueue replayable(ParkingQueue queue) {
        if (!queue.replayable()) {
            throw ProblemMapper.conflict("The messages of " + queue.name() + " have no address to be replayed to"
                    + " (" + queue.description() + "); they can only be discarded");
        }
        return queue;
    }

    private static RuntimeException noMessage(ParkingQueue queue, String message) {
        return ProblemMapper.notFound("No message " + message + " parked on " + queue.name());
    }
}
