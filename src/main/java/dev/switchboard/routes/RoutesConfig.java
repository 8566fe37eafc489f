package dev.switchboard.routes;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.routes.*}: the folder of the operator's YAML DSL routes and how often it is checked. */
@ConfigMapping(prefix = "switchboard.routes")
public interface RoutesConfig {

    /** The folder of {@code *.yaml} Camel routes, loaded at runtime. */
    @WithDefault("routes")
    Path dir();

    /** How often the folder is checked for changed, added and removed files. */
    @WithDefault("2s")
    Duration reloadInterval();
}
