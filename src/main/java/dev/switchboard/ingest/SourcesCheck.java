package dev.switchboard.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.ingest.SourcesConfig.Source;

/**
 * The sources' mistakes before startup: a key a source's kind does not take, and a webhook or queue
 * source that cannot work (no signature scheme, no secret, no address, a bad expression). The same
 * checks as at startup and reload, only earlier. Size limits are left to startup, which knows the
 * HTTP layer's.
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
        Map<String, Source> sources = mapped.mapping().sources();
        List<SettingProblem> problems = new ArrayList<>(SourcesInForce.unknownSettings(mapped.config(), sources));
        problems.addAll(WebhookSources.read(sources, Long.MAX_VALUE, Long.MAX_VALUE).problems());
        problems.addAll(QueueSources.read(sources).problems());
        return problems;
    }
}
