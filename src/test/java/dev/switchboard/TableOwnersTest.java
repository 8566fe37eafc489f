package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * One owner per table (issue 13): each table is read and written through the classes named for it
 * in {@link #OWNERS}; REST resources, dashboard pages and alert checks call them and build no SQL
 * of their own. A plain scan of the sources, like {@link ArchitectureTest}: a string (a literal, the
 * literals of a line, or a text block) that names a table as SQL does, in a class not among its
 * owners, fails with file and line. A name built from fragments at run time escapes it.
 */
class TableOwnersTest {

    /** Each table of the migrations, and the sources (under {@link #SOURCES}) that may name it in SQL. */
    static final Map<String, Set<String>> OWNERS = Map.of(
            // The event log. Besides it: a claim hands its runs over with their events' envelopes in
            // one round trip (the hot path), retention purges a settled event with its runs and
            // attempts in one statement, and Activity reads the dashboard's figures across the tables.
            "event", Set.of("runs/EventLog.java", "runs/RunLedger.java", "runs/Retention.java", "runs/Activity.java"),
            "stream_outbox", Set.of("runs/EventLog.java"),
            // Writes of run state in plain JDBC (RunLedger, the hot path), operators' finds, replays and
            // discards in Panache (RunOperations); retention and Activity as for event.
            "action_run", Set.of("runs/RunLedger.java", "runs/RunOperations.java", "runs/Retention.java",
                    "runs/Activity.java"),
            "action_attempt", Set.of("runs/RunLedger.java", "runs/RunOperations.java", "runs/Retention.java",
                    "runs/Activity.java"),
            // Camel's idempotent consumers' keys; retention purges the old ones.
            "idempotency_key", Set.of("runs/DatabaseIdempotentRepository.java", "runs/Retention.java"),
            "alert_incident", Set.of("ops/alerts/Incidents.java"),
            "alert_watch", Set.of("ops/alerts/ExpectationWatches.java"),
            "signature_failure_count", Set.of("ops/alerts/SharedSignatureFailures.java"),
            "cdc_offset", Set.of("ingest/cdc/JdbcOffsetStore.java"),
            // The replicas' heartbeats; RunLedger ends the claims of silent replicas in one statement.
            "replica_beat", Set.of("runs/ReplicaBeats.java", "runs/RunLedger.java"));

    private static final Path SOURCES = Path.of("src/main/java/dev/switchboard");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)\\bcreate\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String TEXT_BLOCK = "\"\"\"";

    @Test
    void noClassButATablesOwnersNamesItInSql() {
        List<String> trespassing = new ArrayList<>();
        for (Path file : sources()) {
            String source = SOURCES.relativize(file).toString().replace('\\', '/');
            for (Quoted quoted : strings(file)) {
                OWNERS.forEach((table, owners) -> {
                    Matcher mention = MENTIONS.get(table).matcher(quoted.text());
                    while (!owners.contains(source) && mention.find()) {
                        int line = quoted.first() + (int) quoted.text().substring(0, mention.start(1)).chars()
                                .filter(c -> c == '\n').count();
                        trespassing.add(source + ":" + line + " names " + table + ", owned by "
                                + new TreeSet<>(owners) + ": " + mention.group().trim());
                    }
                });
            }
        }
        assertEquals(List.of(), trespassing, "SQL on a table outside its owners: call an owner instead");
    }

    /**
     * Each table where a statement reads or writes it: after from, join, into, update, using or
     * table, or later in a from list ({@code from due, event e}); not as a word of a message.
     */
    private static final Map<String, Pattern> MENTIONS = OWNERS.keySet().stream().collect(Collectors.toMap(
            table -> table, table -> Pattern.compile("(?i)\\b(?:from|join|into|update|using|table)\\s+"
                    + "(?:[\\w.]+(?:\\s+(?:as\\s+)?\\w+)?\\s*,\\s*)*(" + table + ")\\b")));

    @Test
    void everyTableOfTheMigrationsHasOwnersThatExist() throws IOException {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> migrations = Files.list(MIGRATIONS)) {
            for (Path migration : migrations.filter(file -> file.toString().endsWith(".sql")).toList()) {
                Matcher created = CREATE_TABLE.matcher(Files.readString(migration));
                while (created.find()) {
                    tables.add(created.group(1).toLowerCase());
                }
            }
        }
        assertEquals(tables, new TreeSet<>(OWNERS.keySet()), "tables of the migrations and of TableOwnersTest.OWNERS");
        List<String> missing = OWNERS.values().stream().flatMap(Set::stream).distinct()
                .filter(owner -> !Files.isRegularFile(SOURCES.resolve(owner))).sorted().toList();
        assertEquals(List.of(), missing, "owners in TableOwnersTest.OWNERS that are not sources");
    }

    /** A string of a source, its lines joined, from line {@code first}. */
    record Quoted(int first, String text) {
    }

    /**
     * The strings of a source file: each text block whole, and the string literals of each line
     * outside one together (a statement split by {@code +} over a line's literals). Comment lines
     * are not read.
     */
    private static List<Quoted> strings(Path file) {
        List<Quoted> found = new ArrayList<>();
        List<String> lines = read(file);
        List<String> block = null;
        int blockStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (block != null) {
                int end = line.indexOf(TEXT_BLOCK);
                block.add(end < 0 ? line : line.substring(0, end));
                if (end >= 0) {
                    add(found, blockStart, block);
                    block = null;
                    line = line.substring(end + TEXT_BLOCK.length());
                } else {
                    continue;
                }
            }
            String trimmed = line.trim();
            if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) {
                continue;
            }
            int open = line.indexOf(TEXT_BLOCK);
            StringBuilder literals = new StringBuilder();
            Matcher literal = LITERAL.matcher(open < 0 ? line : line.substring(0, open));
            while (literal.find()) {
                literals.append(literal.group(1)).append(' ');
            }
            add(found, i + 1, List.of(literals.toString()));
            if (open >= 0) {
                block = new ArrayList<>();
                blockStart = i + 2;
            }
        }
        return found;
    }

    private static void add(List<Quoted> found, int first, List<String> lines) {
        found.add(new Quoted(first, String.join("\n", lines)));
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
