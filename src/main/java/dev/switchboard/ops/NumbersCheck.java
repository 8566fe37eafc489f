package dev.switchboard.ops;

import java.util.Optional;

/**
 * A number setting ({@code consumers}, {@code workers}, a batch's size) given something else,
 * refused by name before anything starts. Without it the mapping's error came after the embedded
 * servers had started, with no line, and hid every other mistake of the sources behind it.
 */
public class NumbersCheck extends TypedSettingsCheck {

    @Override
    boolean judges(Class<?> type) {
        return Number.class.isAssignableFrom(boxed(type));
    }

    @Override
    Optional<String> problem(Class<?> type, String value) {
        if (readable(type, value)) {
            return Optional.empty();
        }
        Class<?> boxed = boxed(type);
        boolean whole = boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class;
        return Optional.of(whole ? "not a whole number" : "not a number");
    }

}
