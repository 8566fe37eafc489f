package dev.switchboard.ingest.signature;

import java.time.Instant;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ingest.WebhookRequest;

/** Checks that a webhook request was signed by its sender; one implementation per scheme. */
public interface SignatureVerifier {

    /**
     * @throws Problem 401 when the signature is missing, wrong, or its timestamp is outside the window
     */
    void verify(WebhookRequest request, Instant now);

    /** For sources declared with {@code signature=none}. */
    SignatureVerifier NONE = (request, now) -> {
    };
}
