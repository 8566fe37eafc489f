package dev.switchboard.ingest;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;

/**
 * The sources' mistakes before startup: a key a source's kind does not take, as a reload names it,
 * only earlier.
 */
public class SourcesCheck implements ConfigCheck {

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        OperatorConfigSourceProvider.Mapped<SourcesConfig> mapped =
                OperatorConfigSourceProvider.mapped(SourcesConfig.class, settings, profiles);
        if (!mapped.problems().isEmpty()) {
            // A required setting missing here may come from where this check cannot look: startup will say.
            return List.of();
        }
        // Only what is wrong whatever else is configured: a setting missing here (a secret, an address)
        // may come from a source this check cannot see, and is left to the startup that follows.
        return SourcesInForce.unknownSettings(mapped.config(), mapped.mapping().sources());
    }
}
