package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import dev.switchboard.core.ThrottledWarning;

/**
 * Sends the dead letters that are due (see {@link DeadLetters}), as often as runs are looked for.
 * Every replica runs it; each letter is taken by one of them.
 */
@ApplicationScoped
public class DeadLetterRoute extends RouteBuilder {

    private static final int BATCH = 100;

    @Inject
    RunsConfig config;

    @Inject
    DeadLetters deadLetters;

    private final ThrottledWarning warning = new ThrottledWarning("Dead letters cannot be sent");

    @Override
    public void configure() {
        from("timer:switchboard-dead-letters?delay=1000&period=" + config.pollInterval().toMillis())
                .routeId("dead-letter-sender")
                .onException(Exception.class).handled(true).process(warning::log).end()
                .process(exchange -> {
                    while (deadLetters.sendDue(BATCH) == BATCH) {
                        // more are due: keep going rather than wait for the next poll
                    }
                });
    }
}
