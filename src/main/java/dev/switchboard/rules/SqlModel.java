package dev.switchboard.rules;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.connect.NamedSql;

/**
 * A SQL model: {@code rules/models/NAME.sql}, one query whose named parameters
 * ({@code :data.customer.email}) are bound from the event. A first line
 * {@code -- datasource: NAME} runs it on a business database from {@code switchboard.datasources};
 * without it, on the hub's own. It passes when it returns a row whose first column is true.
 */
public record SqlModel(String name, String file, Optional<String> datasource, NamedSql query) {

    private static final Pattern DATASOURCE = Pattern.compile("^\\s*--\\s*datasource:\\s*([A-Za-z0-9_-]+)\\s*$");

    /** @throws IllegalArgumentException when the file holds no query */
    public static SqlModel parse(String name, String file, String text) {
        Optional<String> datasource = text.lines().findFirst()
                .map(DATASOURCE::matcher).filter(Matcher::matches).map(matcher -> matcher.group(1));
        return new SqlModel(name, file, datasource, NamedSql.parse(text));
    }
}
