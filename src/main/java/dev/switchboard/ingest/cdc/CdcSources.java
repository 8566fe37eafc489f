package dev.switchboard.ingest.cdc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

import dev.switchboard.connect.DataSources;
import dev.switchboard.ingest.ConfiguredSources;
import dev.switchboard.ingest.SourcesConfig;
import dev.switchboard.ingest.SourcesConfig.Source;

/**
 * The CDC sources of the configuration, checked at startup: a source that cannot work (no tables,
 * an unknown datasource, a bad event-type pattern) stops the hub with a message naming it.
 */
@Startup
@ApplicationScoped
public class CdcSources {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");

    private final List<CdcSource> sources;

    @Inject
    public CdcSources(SourcesConfig config, DataSources.Config datasources,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String hubUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> hubUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> hubPassword) {
        // Read only when a source captures the hub's own database.
        Supplier<CapturedDatabase> hub = () -> CapturedDatabase.of(hubUrl, hubUser, hubPassword);
        this.sources = List.copyOf(ConfiguredSources.build(config.sources(), SourcesConfig.Kind.CDC,
                (name, source) -> build(name, source, database(source, datasources.datasources(), hub))).values());
    }

    public List<CdcSource> all() {
        return sources;
    }

    private static CapturedDatabase database(Source source, Map<String, DataSources.Config.Business> datasources,
            Supplier<CapturedDatabase> hub) {
        if (source.database().isEmpty()) {
            return hub.get();
        }
        String name = source.database().get();
        DataSources.Config.Business business = datasources.get(name);
        if (business == null) {
            throw new IllegalArgumentException("database '" + name + "' is not a datasource (set switchboard.datasources."
                    + name + ".jdbc-url)");
        }
        return CapturedDatabase.of(business.jdbcUrl(), business.username(), business.password());
    }

    static CdcSource build(String name, Source source, CapturedDatabase database) {
        List<String> tables = source.tables().orElse(List.of()).stream().map(String::trim)
                .filter(table -> !table.isEmpty()).toList();
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("a cdc source needs tables: set switchboard.sources." + name
                    + ".tables=schema.table,...");
        }
        tables.stream().filter(table -> !TABLE.matcher(table).matches()).findFirst().ifPresent(table -> {
            throw new IllegalArgumentException("table '" + table + "' is not schema.table");
        });
        // Slot and publication names are PostgreSQL identifiers: lower-case letters, digits and '_'.
        String defaultName = "switchboard_" + name.replaceAll("[^a-z0-9]", "_");
        return new CdcSource(name, database, tables, source.slot().orElse(defaultName),
                source.publication().orElse(defaultName), source.pluginName(), source.snapshotMode(),
                new ChangeEventType(source.eventType().orElse(ChangeEventType.DEFAULT)));
    }
}
