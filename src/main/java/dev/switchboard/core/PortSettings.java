package dev.switchboard.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;


/** The settings of one port binding: every {@code switchboard.ports.<port>.<key>} but the connector. */
public record PortSettings(String port, Map<String, String> values) {

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(value -> !value.isBlank());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** @throws IllegalArgumentException naming the property when it is not set */
    public String require(String key) {
        return get(key).orElseThrow(() -> new IllegalArgumentException("set " + fullName(key)));
    }

    /** The setting's name in the configuration: {@code switchboard.ports.crm.url} for {@code url}. */
    public String fullName(String key) {
        return "switchboard.ports." + port + "." + key;
    }

    public Duration duration(String key, Duration fallback) {
        return get(key).map(Durations::parse).orElse(fallback);
    }

    /** The settings under {@code prefix.}, without it: {@code headers.X-Api-Key} gives {@code X-Api-Key}. */
    public Map<String, String> under(String prefix) {
        Map<String, String> found = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix + ".")) {
                found.put(key.substring(prefix.length() + 1), value);
            }
        });
        return found;
    }
}
