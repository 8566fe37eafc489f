package dev.switchboard.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

import io.smallrye.config.Converters;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.Suggestions;
import dev.switchboard.core.ValueCheck;

/**
 * A setting with a fixed set of values ({@code signature}, {@code kind}, {@code destination}, ...)
 * given none of them, refused by name with the ones it takes. Without it the mapping's own error
 * came after the embedded servers had started, and named no line. The settings are found in the
 * hub's mappings, and each value is read by the converter the mapping uses, so what passes here
 * is what the hub accepts.
 */
public class ChoicesCheck extends ValueCheck {

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        Map<Pattern, Class<?>> choices = ConfigKeysCheck.keysOfType(Class::isEnum);
        List<SettingProblem> problems = new ArrayList<>();
        for (String name : settings.getPropertyNames()) {
            if (!name.startsWith("switchboard.")) {
                continue;
            }
            choices.entrySet().stream().filter(choice -> choice.getKey().matcher(name).matches()).findFirst()
                    .ifPresent(choice -> {
                        String value = settings.getValue(name);
                        if (value != null && !value.isBlank() && !accepts(choice.getValue(), value)) {
                            List<String> names = names(choice.getValue());
                            problems.add(new SettingProblem(name, name + "=" + value + ": not one of "
                                    + String.join(", ", names) + Suggestions.hint(value.strip().toLowerCase(), names)));
                        }
                    });
        }
        return problems;
    }

    private static boolean accepts(Class<?> type, String value) {
        Converter<?> converter = Converters.getImplicitConverter(type);
        try {
            return converter.convert(value) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The values as they are written: {@code standard-webhooks} for {@code STANDARD_WEBHOOKS}. */
    private static List<String> names(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name().toLowerCase().replace('_', '-')).toList();
    }
}
