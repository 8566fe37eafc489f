package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A generated password kept in a file readable by its owner only (mode 600), next to the data it
 * guards: the embedded PostgreSQL's in {@code data/postgres.password}, the embedded broker's in
 * {@code data/artemis.password} and its queue publishers' beside it. The file always holds the
 * password in force, so a restart, an operator or a script ({@code PGPASSWORD=$(cat
 * data/postgres.password)}) can log in without it being configured anywhere.
 */
final class PasswordFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;

    private PasswordFile(Path file) {
        this.file = file;
    }

    /** The file beside a data directory: {@code data/postgres} keeps it in {@code data/postgres.password}. */
    static PasswordFile of(Path dataDirectory) {
        return named(dataDirectory, dataDirectory.getFileName().toString());
    }

    /** A file beside a data directory, named for what it opens: {@code data/artemis.orders.password}. */
    static PasswordFile named(Path dataDirectory, String name) {
        return new PasswordFile(dataDirectory.resolveSibling(name + ".password"));
    }

    /** The password kept in the file, generated and written there on first use. */
    String readOrCreate() {
        return read().orElseGet(() -> {
            String generated = generate();
            write(generated);
            return generated;
        });
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
