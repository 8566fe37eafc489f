package dev.switchboard.ingest.signature;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.switchboard.core.Durations;
import dev.switchboard.ingest.Problem;

/** HMAC-SHA256 and the checks every scheme shares. */
final class Hmac {

    private Hmac() {
    }

    static byte[] sha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Constant time, so the time a comparison takes tells nothing about the expected value. */
    static boolean matches(byte[] expected, byte[] given) {
        return given != null && MessageDigest.isEqual(expected, given);
    }

    static void requireWithin(Instant signedAt, Instant now, Duration tolerance) {
        if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
            throw Problem.staleTimestamp("The signed timestamp " + signedAt + " is more than " + Durations.format(tolerance)
                    + " away from the receiver's clock (" + now + ")");
        }
    }

    static Instant epochSeconds(String value, String header) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.trim()));
        } catch (NumberFormatException | NullPointerException e) {
            throw Problem.badSignature("The timestamp in " + header + " is not a number of seconds");
        } catch (java.time.DateTimeException e) {
            // A number no clock reaches (such as 99999999999999999): refused like any bad signature.
            throw Problem.badSignature("The timestamp in " + header + " is out of range");
        }
    }
}
