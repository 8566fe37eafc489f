package dev.switchboard.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.MemorySize;

import dev.switchboard.ingest.SourcesConfig.SignatureScheme;
import dev.switchboard.ingest.SourcesConfig.Source;
import dev.switchboard.ingest.signature.HmacSignatureVerifier;
import dev.switchboard.ingest.signature.SignatureVerifier;
import dev.switchboard.ingest.signature.StandardWebhooksSignatureVerifier;
import dev.switchboard.ingest.signature.StripeSignatureVerifier;

/**
 * The webhook sources of the configuration, checked at startup: a source that cannot work
 * (a signature scheme without a secret, an invalid expression) stops the hub with a message
 * naming it, rather than rejecting every delivery later.
 */
@Startup
@ApplicationScoped
public class WebhookSources {

    /** The HTTP layer's own ceiling: it refuses a larger body before any source sees it. */
    public static final String HTTP_LIMIT = "quarkus.http.limits.max-body-size";
    /** Quarkus's default for {@link #HTTP_LIMIT}; the packaged application.properties sets its own. */
    public static final String HTTP_LIMIT_DEFAULT = "10240K";

    private static final Logger LOG = Logger.getLogger(WebhookSources.class);

    private final long httpLimit;
    private final long maxBuffered;
    private volatile Map<String, WebhookSource> sources;

    @Inject
    public WebhookSources(SourcesConfig config, IngestConfig ingest,
            @ConfigProperty(name = HTTP_LIMIT, defaultValue = HTTP_LIMIT_DEFAULT) MemorySize httpLimit) {
        this.httpLimit = httpLimit.asLongValue();
        this.maxBuffered = ingest.maxBuffered().asLongValue();
        this.sources = build(config.sources(), this.httpLimit, maxBuffered);
        warnUnsigned(sources.values());
    }

    public Optional<WebhookSource> find(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    public Map<String, WebhookSource> all() {
        return sources;
    }

    /** The webhook sources of a configuration read at reload, not in force yet (see {@link #install}). */
    ConfiguredSources.Built<WebhookSource> read(Map<String, Source> configured) {
        return read(configured, httpLimit, maxBuffered);
    }

    static ConfiguredSources.Built<WebhookSource> read(Map<String, Source> configured, long httpLimit, long maxBuffered) {
        return ConfiguredSources.read(configured, SourcesConfig.Kind.WEBHOOK,
                (name, source) -> build(name, source, httpLimit, maxBuffered));
    }

    /**
     * From the next request on, deliveries are checked against these sources. One under way at the
     * swap may have its body read under the old settings and its signature checked under the new: at
     * worst it is refused and its sender retries; it is never taken unverified.
     */
    void install(Map<String, WebhookSource> reloaded) {
        warnUnsigned(reloaded.values().stream().filter(source -> !sources.containsKey(source.name())).toList());
        sources = reloaded;
    }

    private static void warnUnsigned(java.util.Collection<WebhookSource> added) {
        // At every start, not once: an unsigned source left over from a trial should be noticed.
        added.stream().filter(source -> source.verifier() == SignatureVerifier.NONE)
                .forEach(source -> LOG.warnf("Source '%s' takes unsigned webhooks (signature=none): anyone who"
                        + " can reach /hooks/%s can make it events", source.name(), source.name()));
    }

    static Map<String, WebhookSource> build(Map<String, Source> configured, long httpLimit) {
        return build(configured, httpLimit, Long.MAX_VALUE);
    }

    static Map<String, WebhookSource> build(Map<String, Source> configured, long httpLimit, long maxBuffered) {
        return read(configured, httpLimit, maxBuffered).orThrow();
    }

    private static WebhookSource build(String name, Source source, long httpLimit, long maxBuffered) {
        long maxBody = source.maxBody().asLongValue();
        if (maxBody > maxBuffered) {
            // Its bodies above the budget could never be reserved: every delivery would be a 503, forever.
            throw new IllegalArgumentException("switchboard.sources." + name + ".max-body is " + maxBody
                    + " bytes, above switchboard.ingest.max-buffered (" + maxBuffered + " bytes), the most the hub"
                    + " holds of all webhook bodies together: lower max-body or raise max-buffered");
        }
        if (maxBody > httpLimit) {
            // Otherwise the source's limit would silently be the HTTP layer's lower one.
            throw new IllegalArgumentException("switchboard.sources." + name + ".max-body is " + maxBody
                    + " bytes, above " + HTTP_LIMIT + " (" + httpLimit + " bytes), where the HTTP layer refuses a"
                    + " body before the source sees it: lower max-body or raise " + HTTP_LIMIT);
        }
        SignatureScheme scheme = source.signature().orElseThrow(() -> new IllegalArgumentException(
                "set switchboard.sources." + name + ".signature: hmac-sha256, github, stripe, standard-webhooks, or none"
                        + " for a source anyone may post to"));
        Optional<String> eventId = source.eventId().or(() -> Optional.ofNullable(switch (scheme) {
            case GITHUB -> "header:X-GitHub-Delivery";
            case STRIPE -> "jsonpath:$.id";
            case STANDARD_WEBHOOKS -> "header:webhook-id";
            case NONE, HMAC_SHA256 -> null;
        }));
        String eventType = source.eventType().orElse(switch (scheme) {
            case GITHUB -> "header:X-GitHub-Event";
            case STRIPE, STANDARD_WEBHOOKS -> "jsonpath:$.type";
            case NONE, HMAC_SHA256 -> name;
        });
        Optional<FieldExpression> id = eventId.map(FieldExpression::parse);
        if (id.filter(FieldExpression.Literal.class::isInstance).isPresent()) {
            throw new IllegalArgumentException("event-id is header:<name> or jsonpath:<path>; a literal would make"
                    + " every delivery the same event, answered as a duplicate of the first");
        }
        WebhookSource built = new WebhookSource(name, verifier(name, scheme, source), id, FieldExpression.parse(eventType),
                maxBody, source.contentType().trim().toLowerCase());
        if (isProperty(built.eventType()) || built.eventId().filter(WebhookSources::isProperty).isPresent()) {
            throw new IllegalArgumentException("property: is for queue sources; a webhook's values are header: or jsonpath:");
        }
        boolean usesJsonPath = built.eventType() instanceof FieldExpression.JsonPathField
                || built.eventId().filter(FieldExpression.JsonPathField.class::isInstance).isPresent();
        if (usesJsonPath && !built.isJson()) {
            throw new IllegalArgumentException("jsonpath: needs a JSON content-type, not " + built.contentType());
        }
        return built;
    }

    private static boolean isProperty(FieldExpression expression) {
        return expression instanceof FieldExpression.Attribute attribute && attribute.prefix().equals("property");
    }

    private static SignatureVerifier verifier(String name, SignatureScheme scheme, Source source) {
        if (scheme == SignatureScheme.NONE) {
            return SignatureVerifier.NONE;
        }
        List<String> secrets = new ArrayList<>();
        source.secret().filter(s -> !s.isBlank()).ifPresent(secrets::add);
        source.secrets().ifPresent(list -> list.stream().filter(s -> !s.isBlank()).forEach(secrets::add));
        if (secrets.isEmpty()) {
            String key = "switchboard.sources." + name + ".secret";
            throw new IllegalArgumentException("signature " + scheme.name().toLowerCase().replace('_', '-')
                    + " needs a secret: set " + key + " (or SWITCHBOARD_SOURCES_"
                    + name.toUpperCase().replaceAll("[^A-Z0-9]", "_") + "_SECRET)");
        }
        Function<String, byte[]> utf8 = secret -> secret.getBytes(StandardCharsets.UTF_8);
        return switch (scheme) {
            case HMAC_SHA256 -> new HmacSignatureVerifier(source.signatureHeader(), source.signaturePrefix().orElse(""),
                    source.signatureEncoding(), secrets.stream().map(utf8).toList());
            case GITHUB -> HmacSignatureVerifier.github(secrets.stream().map(utf8).toList());
            case STRIPE -> new StripeSignatureVerifier(secrets.stream().map(utf8).toList(), source.tolerance());
            case STANDARD_WEBHOOKS -> new StandardWebhooksSignatureVerifier(
                    secrets.stream().map(WebhookSources::standardWebhooksKey).toList(), source.tolerance());
            case NONE -> SignatureVerifier.NONE;
        };
    }

    private static byte[] standardWebhooksKey(String secret) {
        try {
            return StandardWebhooksSignatureVerifier.key(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a standard-webhooks secret is whsec_ followed by base64");
        }
    }
}
