package dev.switchboard.ingest;

import java.util.Optional;

import dev.switchboard.ingest.signature.SignatureVerifier;

/** A configured webhook source, ready to judge requests. */
public record WebhookSource(
        String name,
        SignatureVerifier verifier,
        Optional<FieldExpression> eventId,
        FieldExpression eventType,
        long maxBody,
        String contentType) {

    public boolean isJson() {
        return contentType.equals("application/json") || contentType.endsWith("+json");
    }
}
