package dev.switchboard.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL with named parameters ({@code :data.customer.email}), turned into JDBC's {@code ?} and the
 * list of names to bind in order. {@code ::} casts, quoted literals and comments are left alone.
 *
 * <p>Not camel-sql's named parameters, though camel-sql is in the build: its syntax is
 * {@code :#name} or {@code :#${expr}} (and a bare {@code #} is a positional parameter, which would
 * take PostgreSQL's {@code #>} operator), not the documented {@code :dotted.path} of SQL models and
 * the {@code sql} connector; and it binds from a Camel exchange, while models and that connector
 * run on plain JDBC, with the datasource's statement timeout and limits ({@link DataSources}).
 */
public record NamedSql(String sql, List<String> parameters) {

    /** A named parameter: a colon not part of a {@code ::} cast, then a dotted path. */
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)");

    /** @throws IllegalArgumentException when the text holds no statement */
    public static NamedSql parse(String text) {
        StringBuilder jdbc = new StringBuilder();
        List<String> parameters = new ArrayList<>();
        for (String segment : segments(text)) {
            if (segment.startsWith("'") || segment.startsWith("--")) {
                jdbc.append(segment);
                continue;
            }
            Matcher matcher = PARAMETER.matcher(segment);
            while (matcher.find()) {
                parameters.add(matcher.group(1));
                matcher.appendReplacement(jdbc, "?");
            }
            matcher.appendTail(jdbc);
        }
        String sql = jdbc.toString().trim();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).trim();
        }
        if (sql.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("--"))) {
            throw new IllegalArgumentException("no SQL statement");
        }
        return new NamedSql(sql, List.copyOf(parameters));
    }

    /** Splits SQL into quoted literals, line comments, and the rest. */
    private static List<String> segments(String text) {
        List<String> segments = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = -1;
            if (c == '\'') {
                end = text.indexOf('\'', i + 1);
                while (end > 0 && end + 1 < text.length() && text.charAt(end + 1) == '\'') {
                    end = text.indexOf('\'', end + 2);
                }
                end = end < 0 ? text.length() : end + 1;
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
            }
            if (end > 0) {
                segments.add(text.substring(start, i));
                segments.add(text.substring(i, end));
                start = end;
                i = end;
            } else {
                i++;
            }
        }
        segments.add(text.substring(start));
        return segments;
    }
}
