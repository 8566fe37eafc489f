package dev.switchboard.ingest.signature;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import dev.switchboard.ingest.Problem;
import dev.switchboard.ingest.WebhookRequest;

/**
 * HMAC-SHA256 of the raw body in one header, hex or base64, after an optional prefix. With
 * header {@code X-Hub-Signature-256} and prefix {@code sha256=} this is GitHub's scheme.
 */
public class HmacSignatureVerifier implements SignatureVerifier {

    public enum Encoding {
        HEX,
        BASE64
    }

    private final String header;
    private final String prefix;
    private final Encoding encoding;
    private final List<byte[]> secrets;

    public HmacSignatureVerifier(String header, String prefix, Encoding encoding, List<byte[]> secrets) {
        this.header = header;
        this.prefix = prefix;
        this.encoding = encoding;
        this.secrets = secrets;
    }

    public static HmacSignatureVerifier github(List<byte[]> secrets) {
        return new HmacSignatureVerifier("X-Hub-Signature-256", "sha256=", Encoding.HEX, secrets);
    }

    @Override
    public void verify(WebhookRequest request, Instant now) {
        String value = request.header(header);
        if (value == null || value.isBlank()) {
            throw Problem.badSignature("The request has no " + header + " header");
        }
        value = value.trim();
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw Problem.badSignature("The " + header + " header does not start with '" + prefix + "'");
        }
        byte[] given = decode(value.substring(prefix.length()));
        for (byte[] secret : secrets) {
            if (Hmac.matches(Hmac.sha256(secret, request.body()), given)) {
                return;
            }
        }
        throw Problem.badSignature("The " + header + " signature does not match the body");
    }

    private byte[] decode(String signature) {
        try {
            return encoding == Encoding.HEX ? HexFormat.of().parseHex(signature.toLowerCase())
                    : Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
