package dev.switchboard.ops;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

import io.smallrye.config.Converters;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.ValueCheck;

/**
 * A check of the values of the {@code switchboard.*} settings of some types, each found in the hub's
 * mappings, so that a setting added to a mapping is judged too. A value naming another
 * ({@code ${WORKERS}}) is judged by the mapping once it is resolved, not here.
 */
abstract class TypedSettingsCheck extends ValueCheck {

    /** Whether settings of this type are this check's. */
    abstract boolean judges(Class<?> type);

    /** What is wrong with a value given to a setting of this type, if anything. */
    abstract Optional<String> problem(Class<?> type, String value);

    @Override
    public final List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        Map<Pattern, Class<?>> typed = ConfigKeysCheck.keysOfType(this::judges);
        List<SettingProblem> problems = new ArrayList<>();
        for (String name : settings.getPropertyNames()) {
            if (!name.startsWith("switchboard.")) {
                continue;
            }
            String value = settings.getValue(name);
            if (value == null || value.isBlank() || value.contains("${")) {
                continue;
            }
            typed.entrySet().stream().filter(type -> type.getKey().matcher(name).matches()).findFirst()
                    .flatMap(type -> problem(type.getValue(), value))
                    .ifPresent(problem -> problems.add(new SettingProblem(name, name + "=" + value + ": " + problem)));
        }
        return problems;
    }

    /** Read by the converter the mapping uses, as the hub reads it (which trims the value first). */
    static boolean readable(Class<?> type, String value) {
        Converter<?> converter = Converters.getImplicitConverter(boxed(type));
        try {
            return converter.convert(value.strip()) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Integer} for {@code int}: the converters are the boxed types'. */
    static Class<?> boxed(Class<?> type) {
        return MethodType.methodType(type).wrap().returnType();
    }
}
