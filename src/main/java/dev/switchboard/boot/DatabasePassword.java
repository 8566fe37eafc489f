package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The embedded PostgreSQL's password, kept next to its data directory ({@code data/postgres.password},
 * mode 600): it always holds the password the database has, so a restart, an operator or a script
 * ({@code PGPASSWORD=$(cat data/postgres.password)}) can log in without it being configured anywhere.
 */
final class DatabasePassword {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;

    private DatabasePassword(Path file) {
        this.file = file;
    }

    /** The file beside the database's data directory: {@code data/postgres} keeps it in {@code data/postgres.password}. */
    static DatabasePassword of(Path dataDirectory) {
        return new DatabasePassword(dataDirectory.resolveSibling(dataDirectory.getFileName() + ".password"));
    }

    Path file() {
        return file;
    }

    Optional<String> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        OwnerOnlyFiles.restrict(file);
        try {
            String password = Files.readString(file).strip();
            return password.isEmpty() ? Optional.empty() : Optional.of(password);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    void write(String password) {
        OwnerOnlyFiles.write(file, password + "\n");
    }

    /** 32 URL-safe characters (192 random bits): nothing to quote in a shell, a URL or a properties file. */
    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
