package dev.switchboard.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one way the hub notices that files it loaded from disk changed: the rules folder, its SQL
 * models and the operator's file ({@code rules.RulesInForce}), and the routes folder
 * ({@code routes.UserRoutes}). Polled at each one's {@code reload-interval}: a file counts as
 * changed when it appears, goes, or its size, modification time or content differ from the last
 * look; so a rewrite that keeps size and time is seen, and so is a file only touched.
 */
public final class FileWatch {

    private final Supplier<Collection<Path>> files;
    /** What the files looked like at the last look; null before the first. */
    private String seen;

    /** @param files the files to watch, listed again at every look (a folder's files change) */
    public FileWatch(Supplier<Collection<Path>> files) {
        this.files = files;
    }

    /** Whether the files changed since the last look (true at the first); remembers this look. */
    public synchronized boolean changed() {
        String now = print();
        boolean changed = !now.equals(seen);
        seen = now;
        return changed;
    }

    /**
     * Remembers how the files look now, as a load that reads them does; returns each file's
     * content as a digest, as {@link #contents()} does, from the same reading.
     */
    public synchronized Map<Path, String> record() {
        Map<Path, String> contents = new TreeMap<>();
        seen = print(contents);
        return contents;
    }

    /** Each file's content as a digest ("-" for one that cannot be read), by path: what a load read. */
    public Map<Path, String> contents() {
        Map<Path, String> contents = new TreeMap<>();
        print(contents);
        return contents;
    }

    /** The files whose content differs between two {@link #contents()}: each {@code new}, {@code changed} or {@code removed}. */
    public static Map<Path, String> differences(Map<Path, String> before, Map<Path, String> now) {
        Map<Path, String> differences = new TreeMap<>();
        now.forEach((file, content) -> {
            if (!before.containsKey(file)) {
                differences.put(file, "new");
            } else if (!before.get(file).equals(content)) {
                differences.put(file, "changed");
            }
        });
        before.keySet().stream().filter(file -> !now.containsKey(file)).forEach(file -> differences.put(file, "removed"));
        return differences;
    }

    /** The regular files of a folder with one of these endings, hidden ones aside, by name; none when it does not exist. */
    public static List<Path> list(Path dir, String... endings) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            // A hidden file is an editor's lock or swap file (emacs's .#orders.yaml), not the author's.
            return listing.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(file -> Stream.of(endings).anyMatch(file.getFileName().toString()::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private String print() {
        return print(new TreeMap<>());
    }

    /** How the files look now; puts each file's content digest in {@code contents} ("-": unreadable). */
    private String print(Map<Path, String> contents) {
        StringBuilder print = new StringBuilder();
        Collection<Path> listed;
        try {
            listed = new TreeSet<>(files.get());
        } catch (UncheckedIOException unreadable) {
            // Changed, as far as can be told: the load that follows reports why.
            return "unreadable: " + unreadable.getMessage();
        }
        for (Path file : listed) {
            print.append(file);
            try {
                long size = Files.size(file);
                FileTime modified = Files.getLastModifiedTime(file);
                String content = digest(Files.readAllBytes(file));
                contents.put(file, content);
                print.append(' ').append(size).append(' ').append(modified).append(' ').append(content);
            } catch (IOException absent) {
                contents.put(file, "-");
                print.append(" -");
            }
            print.append('\n');
        }
        return print.toString();
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
