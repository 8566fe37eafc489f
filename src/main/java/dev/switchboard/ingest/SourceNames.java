package dev.switchboard.ingest;

import java.util.regex.Pattern;

/** A source's name becomes a path, a CloudEvent source and part of queue names: keep it plain. */
final class SourceNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private SourceNames() {
    }

    /** @throws IllegalArgumentException when the name is not lower-case letters, digits, '.', '_' and '-' */
    static void requireValid(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a source name is lower-case letters, digits, '.', '_' and '-'");
        }
    }
}
