package dev.switchboard.ingest.signature;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ingest.WebhookRequest;

/**
 * Stripe's {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=...]}: HMAC-SHA256 of
 * {@code "<t>.<raw body>"} with the endpoint secret, the timestamp within the tolerance.
 */
public class StripeSignatureVerifier implements SignatureVerifier {

    static final String HEADER = "Stripe-Signature";

    private final List<byte[]> secrets;
    private final Duration tolerance;

    public StripeSignatureVerifier(List<byte[]> secrets, Duration tolerance) {
        this.secrets = secrets;
        this.tolerance = tolerance;
    }

    @Override
    public void verify(WebhookRequest request, Instant now) {
        String value = request.header(HEADER);
        if (value == null || value.isBlank()) {
            throw Problem.badSignature("The request has no " + HEADER + " header");
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String item : value.split(",")) {
            String[] pair = item.trim().split("=", 2);
            if (pair.length != 2) {
                continue;
            }
            if (pair[0].equals("t")) {
                timestamp = pair[1];
            } else if (pair[0].equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(pair[1]));
                } catch (IllegalArgumentException notHex) {
                    // an unreadable signature simply matches nothing
                }
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw Problem.badSignature("The " + HEADER + " header needs a t= timestamp and a v1= signature");
        }
        Instant signedAt = Hmac.epochSeconds(timestamp, HEADER);
        byte[] signedPrefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (byte[] secret : secrets) {
            byte[] expected = Hmac.sha256(secret, signedPrefix, request.body());
            for (byte[] signature : signatures) {
                if (Hmac.matches(expected, signature)) {
                    Hmac.requireWithin(signedAt, now, tolerance);
                    return;
                }
            }
        }
        throw Problem.badSignature("No v1 signature in " + HEADER + " matches the body");
    }
}
