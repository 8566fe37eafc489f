package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that encrypts the dashboard's session cookie, kept in {@code data/session.key} (mode 600)
 * when none is configured. Generated once and read again at every start, so that a restart leaves
 * everyone signed in; without it Quarkus would make a temporary key at each start and print it in
 * the log, where anyone who reads the log could forge a session.
 */
final class SessionKey {

    /** The setting Quarkus reads the key from. */
    static final String PROPERTY = "quarkus.http.auth.session.encryption-key";

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Quarkus refuses shorter keys; a generated one is far longer. */
    private static final int SHORTEST = 16;

    private final Path file;

    private SessionKey(Path file) {
        this.file = file;
    }

    static SessionKey in(Path dataDirectory) {
        return new SessionKey(dataDirectory.resolve("session.key"));
    }

    Path file() {
        return file;
    }

    /** The kept key, or a new one written to the file first: the same value at every start. */
    String readOrCreate() {
        if (Files.exists(file)) {
            OwnerOnlyFiles.restrict(file);
            try {
                String key = Files.readString(file).strip();
                if (key.length() >= SHORTEST) {
                    return key;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file, e);
            }
        }
        // Absent, or emptied or cut short by hand: sessions signed with the old key end, which is
        // what replacing a key means.
        String key = generate();
        OwnerOnlyFiles.write(file, key + "\n");
        return key;
    }

    /** 43 URL-safe characters (256 random bits). */
    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
