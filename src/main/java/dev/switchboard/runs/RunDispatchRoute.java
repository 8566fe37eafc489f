package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:switchboard-run-attempt}: executes one claimed attempt handed in as a
 * {@link ClaimedRun}, as the {@link RunDispatcher} does with each run it claims; a copy of an
 * attempt that was already handed out is dropped (see {@link RunExecutor}).
 */
@ApplicationScoped
public class RunDispatchRoute extends RouteBuilder {

    /** One claimed attempt: in, a {@link ClaimedRun}. */
    static final String ATTEMPT = "direct:switchboard-run-attempt";

    @Inject
    RunExecutor executor;

    @Override
    public void configure() {
        from(ATTEMPT).routeId("run-attempt")
                .process(exchange -> executor.execute(exchange.getMessage().getBody(ClaimedRun.class)));
    }
}
