package dev.switchboard.ops.web;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Plain (unencrypted) connections speak HTTP/1.1 only, so that {@code
 * quarkus.http.limits.max-connections} counts every one of them from the moment it is accepted.
 *
 * <p>With HTTP/2 over plain text (h2c) allowed, Vert.x cannot tell which protocol a connection
 * speaks until its first request head is complete (it might ask to upgrade), and only then hands
 * it to the connection handler that Quarkus's cap counts with. A slowloris never completes that
 * head: 3,000 of them were all held open under a cap of 1,000, 23 KB of heap each (FloodIT). No
 * webhook sender needs h2c; HTTP/2 over TLS is unaffected.
 */
@ApplicationScoped
public class PlainHttpConnections implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
