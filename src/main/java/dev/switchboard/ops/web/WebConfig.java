package dev.switchboard.ops.web;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the dashboard and the API defend themselves against other sites and password guessing. */
@ConfigMapping(prefix = "switchboard.web")
public interface WebConfig {

    /**
     * Origins ({@code https://ops.example.com}) whose pages may send state-changing requests to the
     * dashboard and the API besides the hub's own. Needed only behind a proxy that rewrites the
     * {@code Host} header without saying so in {@code X-Forwarded-Host}.
     */
    Optional<List<String>> trustedOrigins();

    Login login();

    /**
     * The longest an event search of the API or the dashboard may take. One that reads the text
     * of every event ({@code q} without a narrow period) is refused with 422 after it, instead of
     * keeping the database busy for as long as any viewer likes.
     */
    @WithDefault("10s")
    Duration searchTimeout();

    interface Login {

        /** Failed sign-ins (form or Basic) from one client within {@link #window()} before it gets 429. */
        @WithDefault("10")
        int clientFailures();

        /**
         * Failed sign-ins for one user name, from any client, within {@link #window()} before that
         * user gets 429. Above {@link #clientFailures()}, so that one client guessing does not lock
         * the user out of everywhere; guessing from many clients does.
         */
        @WithDefault("30")
        int userFailures();

        /** How far back failures count; a refused client waits until enough of them are older. */
        @WithDefault("5m")
        Duration window();
    }
}
