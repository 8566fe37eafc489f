package dev.switchboard.core;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A check of the configuration made before anything starts, the embedded database and broker
 * included, so that a mistake is the first thing an operator reads, one line each, and the hub
 * exits. Found with {@link java.util.ServiceLoader} ({@code META-INF/services}): it runs before CDI
 * exists. Report only what is certainly wrong: a setting missing from {@code settings} may still
 * come from a source the check cannot see, and is left to the startup that follows.
 */
public interface ConfigCheck {

    /** The mistakes in the configuration {@code settings} holds, each naming its setting. */
    List<SettingProblem> check(ConfigSource settings, List<String> profiles);
}
