package dev.switchboard.ingest.signature;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ingest.WebhookRequest;

/**
 * Standard Webhooks (standardwebhooks.com): {@code webhook-signature: v1,<base64> ...} is
 * HMAC-SHA256 of {@code "<webhook-id>.<webhook-timestamp>.<raw body>"} with the secret, given as
 * {@code whsec_<base64 key>}; the timestamp must be within the tolerance.
 */
public class StandardWebhooksSignatureVerifier implements SignatureVerifier {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    private final List<byte[]> keys;
    private final Duration tolerance;

    public StandardWebhooksSignatureVerifier(List<byte[]> keys, Duration tolerance) {
        this.keys = keys;
        this.tolerance = tolerance;
    }

    /** The HMAC key in a {@code whsec_...} secret; the prefix is optional. */
    public static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }

    @Override
    public void verify(WebhookRequest request, Instant now) {
        String id = request.header(ID);
        String timestamp = request.header(TIMESTAMP);
        String signatures = request.header(SIGNATURE);
        if (id == null || timestamp == null || signatures == null) {
            throw Problem.badSignature("The request needs the headers " + ID + ", " + TIMESTAMP + " and " + SIGNATURE);
        }
        Instant signedAt = Hmac.epochSeconds(timestamp, TIMESTAMP);
        byte[] signedPrefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (byte[] key : keys) {
            byte[] expected = Hmac.sha256(key, signedPrefix, request.body());
            for (String candidate : signatures.trim().split(" ")) {
                if (candidate.startsWith("v1,") && Hmac.matches(expected, decode(candidate.substring(3)))) {
                    Hmac.requireWithin(signedAt, now, tolerance);
                    return;
                }
            }
        }
        throw Problem.badSignature("No v1 signature in " + SIGNATURE + " matches the body");
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
