package dev.switchboard.ops.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.routes.UserRoutes;

/** The routes loaded from the routes folder, and the files whose latest version did not load. */
@Path("/api/routes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class RoutesResource {

    @Inject
    UserRoutes routes;

    public record RoutesView(List<UserRoutes.LoadedRoute> routes, Map<String, String> errors) {
    }

    @GET
    public RoutesView list() {
        return new RoutesView(routes.routes(), routes.errors());
    }
}
