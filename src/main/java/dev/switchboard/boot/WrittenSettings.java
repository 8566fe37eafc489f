package dev.switchboard.boot;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigValue;

/**
 * A configuration as the checks read it ({@link dev.switchboard.core.ConfigCheck}): every source
 * (the files, the environment, system properties) as one, the value in force for each name, and
 * no value where only a mapping's default ({@code @WithDefault}, SmallRye's
 * DefaultValuesConfigSource) gives one: that is the hub's own, not a value anyone wrote.
 */
final class WrittenSettings implements ConfigSource {

    private final String name;
    private final Supplier<Iterable<String>> names;
    private final Function<String, ConfigValue> values;

    WrittenSettings(String name, Supplier<Iterable<String>> names, Function<String, ConfigValue> values) {
        this.name = name;
        this.names = names;
        this.values = values;
    }

    @Override
    public Set<String> getPropertyNames() {
        Set<String> all = new TreeSet<>();
        names.get().forEach(all::add);
        return all;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public String getValue(String key) {
        ConfigValue value = values.apply(key);
        if (value == null || value.getConfigSourceName() != null
                && value.getConfigSourceName().startsWith("DefaultValuesConfigSource")) {
            return null;
        }
        return value.getValue();
    }

    @Override
    public String getName() {
        return name;
    }
}
