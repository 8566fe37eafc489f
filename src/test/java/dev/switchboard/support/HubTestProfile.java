package dev.switchboard.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The webhook sources the tests post to, one per signature scheme. Every test class uses this
 * profile, so the hub (with its embedded PostgreSQL and broker) starts once for all of them.
 */
public class HubTestProfile implements QuarkusTestProfile {

    /** API users: every test calls the API as the operator unless it says otherwise. */
    public static final String OPERATOR = "test-operator";
    public static final String VIEWER = "test-viewer";
    public static final String PASSWORD = "test-password";
    /** A user whose password the sign-in throttle's test guesses at, so that no other test is refused. */
    public static final String GUESSED = "test-guessed";

    public static final String GITHUB_SECRET = "It's a Secret to Everybody";
    /** The github source's other secret, as during a rotation; listed first so the published one is not. */
    public static final String GITHUB_SECRET_OLD = "an older github secret";
    /** A Standard Webhooks secret: whsec_ and base64 of the key. */
    public static final String FUZZ_SECRET = "fuzz-secret";
    public static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public static final String STANDARD_SECRET_NEXT = "whsec_bmV4dC1zdGFuZGFyZC13ZWJob29rcy1rZXk=";
    public static final String HEALTH_SECRET = "health-secret";
    /** Short enough to wait for in a test, long enough for a binding a test adds to arrive first. */
    public static final String UNBOUND_GRACE = "10s";
    /**
     * The webhook body bytes the test hub holds at once: small enough for WebhookBodyBudgetTest to
     * fill with a few slow senders (the default, 64 MB, would take 64), far above what any other
     * test sends at once.
     */
    public static final long MAX_BUFFERED = 8L << 20;
    /** Short enough for WebhookBodyBudgetTest to wait out; no other test holds a body open. */
    public static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Database connections of the test hub: fewer than the default (64), so that every test shows
     * the hub working on a small pool, and SlowDownstreamTest that a slow port does not hold them.
     */
    public static final int POOL = 20;
    /** Short enough for HostileApiInputTest to wait out, far above any search of the tests' few events. */
    public static final String SEARCH_TIMEOUT = "3s";
    /** A replica silent this long loses its claims (ActionRunsTest). */
    public static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(2);

    /** The test hub's settings with {@code changes} over them, for a profile that differs in a few. */
    public static Map<String, String> with(Map<String, String> changes) {
        Map<String, String> overrides = new HashMap<>(new HubTestProfile().getConfigOverrides());
        overrides.putAll(changes);
        return overrides;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // Read before every start of the test hub, a profile's too (with): the folders it names exist.
        Workspace.prepare();
        return Map.ofEntries(
                Map.entry("quarkus.security.users.embedded.users." + OPERATOR, PASSWORD),
                Map.entry("quarkus.security.users.embedded.roles." + OPERATOR, "operator"),
                Map.entry("quarkus.security.users.embedded.users." + VIEWER, PASSWORD),
                Map.entry("quarkus.security.users.embedded.roles." + VIEWER, "viewer"),
                Map.entry("quarkus.security.users.embedded.users." + GUESSED, PASSWORD),
                Map.entry("quarkus.security.users.embedded.roles." + GUESSED, "viewer"),
                // Behind a proxy as the security guide sets it up: tests stand for clients at other
                // addresses (X-Forwarded-For) and for a TLS-terminating proxy (X-Forwarded-Proto).
                Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
                Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
                Map.entry("quarkus.http.proxy.trusted-proxies", "127.0.0.1/32,::1/128"),
                Map.entry("switchboard.ingest.max-buffered", Long.toString(MAX_BUFFERED)),
                Map.entry("switchboard.ingest.body-timeout", BODY_TIMEOUT.toMillis() + "ms"),
                Map.entry("quarkus.datasource.jdbc.max-size", Integer.toString(POOL)),
                Map.entry("switchboard.web.search-timeout", SEARCH_TIMEOUT),
                // Set as an operator would: the default, so that the tests' logs are as a user's.
                Map.entry("switchboard.log.repeat-window", "30s"),

                Map.entry("switchboard.sources.hmac.kind", "webhook"),
                Map.entry("switchboard.sources.hmac.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.hmac.secrets", "old-secret,new-secret"),
                Map.entry("switchboard.sources.hmac.signature-header", "X-Signature"),
                Map.entry("switchboard.sources.hmac.signature-prefix", "sha256="),
                Map.entry("switchboard.sources.hmac.event-id", "jsonpath:$.id"),
                Map.entry("switchboard.sources.hmac.event-type", "jsonpath:$.type"),
                Map.entry("switchboard.sources.hmac.max-body", "1K"),

                Map.entry("switchboard.sources.github.kind", "webhook"),
                Map.entry("switchboard.sources.github.signature", "github"),
                Map.entry("switchboard.sources.github.secrets", GITHUB_SECRET_OLD + "," + GITHUB_SECRET),
                Map.entry("switchboard.sources.github.content-type", "text/plain"),

                // As GitHub sends by default and docs/senders/github.mjs does: JSON.
                Map.entry("switchboard.sources.github-json.kind", "webhook"),
                Map.entry("switchboard.sources.github-json.signature", "github"),
                Map.entry("switchboard.sources.github-json.secret", GITHUB_SECRET),

                Map.entry("switchboard.sources.stripe.kind", "webhook"),
                Map.entry("switchboard.sources.stripe.signature", "stripe"),
                Map.entry("switchboard.sources.stripe.secrets", "whsec_stripe_old,whsec_stripe_new"),
                Map.entry("switchboard.sources.stripe.tolerance", "5m"),

                Map.entry("switchboard.sources.standard.kind", "webhook"),
                Map.entry("switchboard.sources.standard.signature", "standard-webhooks"),
                Map.entry("switchboard.sources.standard.secrets", STANDARD_SECRET + "," + STANDARD_SECRET_NEXT),

                // Unsigned, typed by the body: lets tests post any event type through the real path.
                Map.entry("switchboard.sources.events.kind", "webhook"),
                Map.entry("switchboard.sources.events.signature", "none"),
                Map.entry("switchboard.sources.events.event-id", "jsonpath:$.id"),
                Map.entry("switchboard.sources.events.event-type", "jsonpath:$.type"),

                // A business database for SQL models: the embedded one again, through its own pool.
                Map.entry("switchboard.datasources.warehouse.jdbc-url", "${quarkus.datasource.jdbc.url}"),
                Map.entry("switchboard.datasources.warehouse.username", "${quarkus.datasource.username}"),
                Map.entry("switchboard.datasources.warehouse.password", "${quarkus.datasource.password}"),
                // Short, so that BoundedWaitsTest's slow model is slow within a test's patience.
                Map.entry("switchboard.datasources.warehouse.statement-timeout", "2s"),
                // The same database behind a proxy that BoundedWaitsTest freezes.
                Map.entry("switchboard.datasources.frozen.jdbc-url", "jdbc:postgresql://127.0.0.1:" + FreezableProxy.PORT
                        + "/postgres"),
                Map.entry("switchboard.datasources.frozen.username", "${quarkus.datasource.username}"),
                Map.entry("switchboard.datasources.frozen.password", "${quarkus.datasource.password}"),
                Map.entry("switchboard.datasources.frozen.statement-timeout", "2s"),

                // A dead-man's switch the alert tests trip and clear.
                Map.entry("switchboard.expectations.heartbeat.type", "test.heartbeat"),
                Map.entry("switchboard.expectations.heartbeat.every", "2s"),
                Map.entry("switchboard.alerts.check-interval", "500ms"),
                Map.entry("switchboard.alerts.port-min-attempts", "3"),
                Map.entry("switchboard.alerts.port-window", "1m"),
                Map.entry("switchboard.alerts.signature-failures", "2"),
                Map.entry("switchboard.alerts.signature-window", "1m"),
                Map.entry("switchboard.sources.alerting-signed.kind", "webhook"),
                Map.entry("switchboard.sources.alerting-signed.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.alerting-signed.secret", "alerting-secret"),
                // Alert clocks kept in the database: an expectation never met, another replica's failures.
                Map.entry("switchboard.expectations.never.type", "test.never"),
                Map.entry("switchboard.expectations.never.every", "1h"),
                Map.entry("switchboard.sources.alerting-replicas.kind", "webhook"),
                Map.entry("switchboard.sources.alerting-replicas.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.alerting-replicas.secret", "alerting-secret"),

                // Queue sources on the embedded broker: ids and types from the JSON body, from
                // message properties, or (queue-plain) the message id and the source name.
                Map.entry("switchboard.sources.queue-json.kind", "queue"),
                Map.entry("switchboard.sources.queue-json.address", "test.queue.json"),
                Map.entry("switchboard.sources.queue-json.event-id", "jsonpath:$.id"),
                Map.entry("switchboard.sources.queue-json.event-type", "jsonpath:$.type"),
                Map.entry("switchboard.sources.queue-json.consumers", "2"),
                Map.entry("switchboard.sources.queue-keyed.kind", "queue"),
                Map.entry("switchboard.sources.queue-keyed.address", "test.queue.keyed"),
                Map.entry("switchboard.sources.queue-keyed.event-id", "property:OrderId"),
                Map.entry("switchboard.sources.queue-keyed.event-type", "test.keyed"),
                Map.entry("switchboard.sources.queue-keyed.parked-address", "test.queue.keyed.rejected"),
                // A configured publisher password; the other queue sources' are generated.
                Map.entry("switchboard.sources.queue-keyed.publisher-password", "keyed-publisher-test-password"),
                Map.entry("switchboard.sources.queue-plain.kind", "queue"),
                Map.entry("switchboard.sources.queue-plain.address", "test.queue.plain"),
                // Small, so that a test can send over it and into the broker's allowance above it.
                Map.entry("switchboard.sources.queue-plain.max-body", "64K"),
                Map.entry("switchboard.sources.queue-topic.kind", "queue"),
                Map.entry("switchboard.sources.queue-topic.address", "test.topic"),
                Map.entry("switchboard.sources.queue-topic.destination", "topic"),
                Map.entry("switchboard.sources.queue-topic.event-id", "property:OrderId"),

                // The shipped reconciliation route runs at once and every second while a test loads it.
                Map.entry("reconcile.orders.period", "1s"),
                Map.entry("reconcile.orders.delay", "0"),

                // The overview's source health: one source never sent anything, one sent some badly signed.
                Map.entry("switchboard.sources.health-idle.kind", "webhook"),
                Map.entry("switchboard.sources.health-idle.signature", "none"),
                Map.entry("switchboard.sources.health-signed.kind", "webhook"),
                Map.entry("switchboard.sources.health-signed.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.health-signed.secret", HEALTH_SECRET),

                // A run to an unbound port waits this long before it goes DEAD (UnboundPortTest).
                Map.entry("switchboard.runs.unbound-grace", UNBOUND_GRACE),
                // ReprocessTest waits for the sweep of events left RECEIVED.
                Map.entry("switchboard.runs.unconsumed-interval", "1s"),
                Map.entry("switchboard.runs.replica-timeout", REPLICA_TIMEOUT.toSeconds() + "s"),

                // For the fuzz pass (WebhookFuzzTest): one source per scheme, so that its signature
                // failures open incidents nobody else's test looks at.
                Map.entry("switchboard.sources.fuzz-open.kind", "webhook"),
                Map.entry("switchboard.sources.fuzz-open.signature", "none"),
                Map.entry("switchboard.sources.fuzz-open.event-id", "jsonpath:$.id"),
                Map.entry("switchboard.sources.fuzz-open.event-type", "jsonpath:$.type"),
                Map.entry("switchboard.sources.fuzz-open.max-body", "64K"),
                Map.entry("switchboard.sources.fuzz-hmac.kind", "webhook"),
                Map.entry("switchboard.sources.fuzz-hmac.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.fuzz-hmac.secret", FUZZ_SECRET),
                Map.entry("switchboard.sources.fuzz-hmac.signature-prefix", "sha256="),
                Map.entry("switchboard.sources.fuzz-hmac.event-id", "header:X-Delivery"),
                Map.entry("switchboard.sources.fuzz-hmac.event-type", "jsonpath:$.type"),
                Map.entry("switchboard.sources.fuzz-hmac.max-body", "64K"),
                Map.entry("switchboard.sources.fuzz-github.kind", "webhook"),
                Map.entry("switchboard.sources.fuzz-github.signature", "github"),
                Map.entry("switchboard.sources.fuzz-github.secret", FUZZ_SECRET),
                Map.entry("switchboard.sources.fuzz-stripe.kind", "webhook"),
                Map.entry("switchboard.sources.fuzz-stripe.signature", "stripe"),
                Map.entry("switchboard.sources.fuzz-stripe.secret", FUZZ_SECRET),
                Map.entry("switchboard.sources.fuzz-standard.kind", "webhook"),
                Map.entry("switchboard.sources.fuzz-standard.signature", "standard-webhooks"),
                Map.entry("switchboard.sources.fuzz-standard.secret", STANDARD_SECRET),

                Map.entry("switchboard.sources.open.kind", "webhook"),
                Map.entry("switchboard.sources.open.signature", "none"),
                Map.entry("switchboard.sources.open.event-type", "test.open"));
    }
}
