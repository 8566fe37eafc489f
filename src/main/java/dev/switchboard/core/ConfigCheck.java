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

    /**
     * Whether this check judges the names of settings (a key nothing reads): only the operator's
     * file is held to it, since the environment holds names of other programs too
     * ({@code SWITCHBOARD_REQUIRE_NODE} reads as {@code switchboard.require.node}). A check of
     * values answers false, and its values are judged wherever they come from.
     */
    default boolean judgesNames() {
        return true;
    }

    /**
     * Whether every reload of the operator's file runs this check too: true for what the parts that
     * reload do not check themselves (a key nothing reads, a value only positive values mean).
     */
    default boolean atReload() {
        return false;
    }

    /** The mistakes in the configuration {@code settings} holds, each naming its setting. */
    List<SettingProblem> check(ConfigSource settings, List<String> profiles);
}
