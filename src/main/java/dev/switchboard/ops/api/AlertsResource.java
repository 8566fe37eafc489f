package dev.switchboard.ops.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.ops.alerts.Incidents;

/** The alert incidents open now. */
@Path("/api/incidents")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class AlertsResource {

    @Inject
    Incidents incidents;

    @GET
    public List<Incidents.Incident> open() {
        return incidents.open();
    }
}
