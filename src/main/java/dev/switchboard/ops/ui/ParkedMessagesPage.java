package dev.switchboard.ops.ui;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;

import dev.switchboard.ops.api.Roles;
import dev.switchboard.ops.parked.ParkingQueue;
import dev.switchboard.ops.parked.ParkingQueues;
import dev.switchboard.ops.parked.ParkedMessages;

/**
 * The dashboard's parked messages: each parking queue of the broker with its count and its
 * oldest messages, their reason and an excerpt; replay and discard for operators, confirmed in
 * the browser.
 */
@Path("/ui/parked")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ParkedMessagesPage {

    private static final int SHOWN = 50;

    public record Section(ParkingQueue queue, ParkedMessages.Page page) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance parked(List<Section> sections, boolean operator, String message);
    }

    @Inject
    ParkingQueues queues;

    @Inject
    ParkedMessages parked;

    @Inject
    SecurityIdentity identity;

    @GET
    public TemplateInstance page(@QueryParam("message") String message) {
        List<Section> sections = queues.all().stream()
                .map(queue -> new Section(queue, parked.browse(queue, 0, SHOWN))).toList();
        // Viewers see no buttons: the server would refuse them anyway (403).
        return Templates.parked(sections, identity.hasRole(Roles.OPERATOR), message == null ? "" : message);
    }

    @POST
    @Path("{queue}/{message}/replay")
    @RolesAllowed(Roles.OPERATOR)
    public Response replay(@PathParam("queue") String name, @PathParam("message") String message) {
        ParkingQueue queue = queue(name);
        if (!queue.replayable()) {
            return back("The messages of " + name + " can only be discarded.");
        }
        return back(parked.replay(queue, message) ? "Message " + message + " replayed to " + queue.replayTo().get() + "."
                : "Message " + message + " was no longer parked on " + name + ".");
    }

    @POST
    @Path("{queue}/{message}/discard")
    @RolesAllowed(Roles.OPERATOR)
    public Response discard(@PathParam("queue") String name, @PathParam("message") String message) {
        return back(parked.discard(queue(name), message) ? "Message " + message + " discarded."
                : "Message " + message + " was no longer parked on " + name + ".");
    }

    @POST
    @Path("{queue}/replay-all")
    @RolesAllowed(Roles.OPERATOR)
    public Response replayAll(@PathParam("queue") String name) {
        ParkingQueue queue = queue(name);
        if (!queue.replayable()) {
            return back("The messages of " + name + " can only be discarded.");
        }
        return back(parked.replayAll(queue) + " message(s) of " + name + " replayed to " + queue.replayTo().get() + ".");
    }

    @POST
    @Path("{queue}/discard-all")
    @RolesAllowed(Roles.OPERATOR)
    public Response discardAll(@PathParam("queue") String name) {
        return back(parked.discardAll(queue(name)) + " message(s) of " + name + " discarded.");
    }

    private ParkingQueue queue(String name) {
        return queues.named(name).orElseThrow(() -> new NotFoundException("No parking queue " + name));
    }

    private static Response back(String message) {
        return Response.seeOther(URI.create("/ui/parked?message=" + URLEncoder.encode(message, StandardCharsets.UTF_8)))
                .build();
    }
}
