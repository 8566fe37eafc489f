package dev.switchboard.rules;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.connect.NamedSql;

/**
 * A SQL model: {@code rules/models/NAME.sql}, one query whose named parameters
 * ({@code :data.customer.email}) are bound from the event. A first line
 * {@code -- datasource: NAME} runs it on a business database from {@code switchboard.datasources};
 * without it, on the hub's own. It passes when it returns a row whose first column is true.
 * {@code firstLine} is the file's line of the query's first (lines from 1), for the database's
 * errors to be placed.
 */
public record SqlModel(String name, String file, Optional<String> datasource, NamedSql query, int firstLine) {

    private static final Pattern DATASOURCE = Pattern.compile("^\\s*--\\s*datasource:\\s*([A-Za-z0-9_-]+)\\s*$");

    /** Comments and blank space before a statement's first word. */
    private static final Pattern LEADING = Pattern.compile("\\A(?:\\s+|--[^\\n]*(?:\\n|\\z)|/\\*.*?\\*/)*", Pattern.DOTALL);

    /** The words a query starts with; anything else writes, or is no query. */
    private static final List<String> QUERIES = List.of("select", "with", "values", "table");

    /** @throws IllegalArgumentException when the file holds no query */
    public static SqlModel parse(String name, String file, String text) {
        Optional<String> datasource = text.lines().findFirst()
                .map(DATASOURCE::matcher).filter(Matcher::matches).map(matcher -> matcher.group(1));
        String first = LEADING.matcher(text).replaceFirst("").split("[^A-Za-z]", 2)[0].toLowerCase(Locale.ROOT);
        if (!first.isEmpty() && !QUERIES.contains(first)) {
            // Models also run in a read-only transaction; this says so where the mistake is made.
            throw new IllegalArgumentException("a model is a query that reads (select, with, values or table), not '"
                    + first + "': it runs for every event and in every dry run, read-only");
        }
        // The query's text is the file's, trimmed: the lines trimmed off before it are the offset.
        String trimmed = text.substring(0, text.length() - text.stripLeading().length());
        int firstLine = 1 + (int) trimmed.chars().filter(c -> c == '\n').count();
        return new SqlModel(name, file, datasource, NamedSql.parse(text), firstLine);
    }
}
