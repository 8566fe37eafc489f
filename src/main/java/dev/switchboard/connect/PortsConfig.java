package dev.switchboard.connect;

import java.util.Map;

import io.smallrye.config.ConfigMapping;

/**
 * {@code switchboard.ports.<port>.connector=<name>} and that connector's settings under
 * {@code switchboard.ports.<port>.*}. Declared so that configuration validation knows these keys;
 * {@link PortBindings} reads them again from disk on every reload.
 */
@ConfigMapping(prefix = "switchboard")
public interface PortsConfig {

    Map<String, Map<String, String>> ports();
}
