package dev.switchboard.ingest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/** Sizes as operators write them: {@code 1MB}, {@code 512KB}, {@code 2M}, {@code 1048576}. */
public class ByteSizeConverter implements Converter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?)(I?B)?");

    @Override
    public Long convert(String value) {
        Matcher matcher = SIZE.matcher(value.trim().toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a size such as 1MB, 512KB or 1048576");
        }
        long number = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "K" -> number << 10;
            case "M" -> number << 20;
            case "G" -> number << 30;
            default -> number;
        };
    }
}
