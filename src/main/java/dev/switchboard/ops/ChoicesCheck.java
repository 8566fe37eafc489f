package dev.switchboard.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.switchboard.core.Suggestions;

/**
 * A setting with a fixed set of values ({@code signature}, {@code kind}, {@code destination}, ...)
 * given none of them, refused by name with the ones it takes. Without it the mapping's own error
 * came after the embedded servers had started, and named no line. Each value is read by the
 * converter the mapping uses, so what passes here is what the hub accepts.
 */
public class ChoicesCheck extends TypedSettingsCheck {

    @Override
    boolean judges(Class<?> type) {
        return type.isEnum();
    }

    @Override
    Optional<String> problem(Class<?> type, String value) {
        if (readable(type, value)) {
            return Optional.empty();
        }
        List<String> names = names(type);
        return Optional.of("not one of " + String.join(", ", names) + Suggestions.hint(value.strip().toLowerCase(), names));
    }

    /** The values as they are written: {@code standard-webhooks} for {@code STANDARD_WEBHOOKS}. */
    private static List<String> names(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name().toLowerCase().replace('_', '-')).toList();
    }
}
