package dev.switchboard.rules;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.rules.*}: where rules live and how often they are checked for changes. */
@ConfigMapping(prefix = "switchboard.rules")
public interface RulesConfig {

    /** The folder of {@code *.yaml} rule files, with SQL models in {@code models/*.sql}. */
    @WithDefault("rules")
    Path dir();

    /** How often the rules folder and the operator's file are checked for changes. */
    @WithDefault("2s")
    Duration reloadInterval();

    /**
     * Whether a change on disk (rules, models, the operator's file) is loaded as soon as it is
     * seen; {@code false}: only when an operator applies it (the rules page's Apply,
     * {@code POST /api/rules/reload}), after backtesting it, say.
     */
    @WithDefault("true")
    boolean reloadOnChange();

    /** Whether a rule load error makes readiness DOWN (the last valid rules keep running either way). */
    @WithDefault("false")
    boolean errorsMakeUnready();
}
