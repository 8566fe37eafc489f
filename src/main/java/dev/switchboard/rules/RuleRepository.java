package dev.switchboard.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.connect.DataSources;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.StartupGate;

/**
 * The rules in force. Loaded at startup and again whenever a file of the rules folder or the
 * operator's configuration changes (checked every two seconds): a load with any error is
 * rejected as a whole, logged with file, line and reason, and the last valid set stays active.
 * The first load that takes effect opens the {@link StartupGate}: until then nothing is consumed.
 */
@ApplicationScoped
public class RuleRepository {

    private static final Logger LOG = Logger.getLogger(RuleRepository.class);

    @Inject
    RulesConfig config;

    @Inject
    PortBindings ports;

    @Inject
    CamelContext camel;

    @Inject
    DataSources dataSources;

    @Inject
    Event<RulesRejected> rejected;

    @Inject
    StartupGate gate;

    private volatile RuleSet current = RuleSet.EMPTY;
    private volatile List<RuleLoadError> errors = List.of();
    private volatile String fingerprint = "";

    public RuleSet current() {
        return current;
    }

    /** The problems of the latest load attempt; empty when it succeeded. */
    public List<RuleLoadError> errors() {
        return errors;
    }

    void onStart(@Observes StartupEvent event) {
        reload();
    }

    @Scheduled(every = "${switchboard.rules.reload-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadWhenChanged() {
        if (!fingerprint().equals(fingerprint)) {
            reload();
        }
    }

    /**
     * Loads ports, models and rules from disk now; returns the problems found (none when it took
     * effect). They take effect together or not at all.
     */
    public synchronized List<RuleLoadError> reload() {
        fingerprint = fingerprint();
        List<RuleLoadError> problems = new ArrayList<>();
        PortBindings.Reading bindings = ports.read();
        bindings.problems().forEach(problem -> problems.add(
                new RuleLoadError(OperatorConfigSourceProvider.file().toString(), 0, problem)));
        Map<String, SqlModel> models = new TreeMap<>();
        List<Rule> rules = new ArrayList<>();
        if (problems.isEmpty()) {
            loadModels(models, problems);
            loadRules(bindings.names(), models.keySet(), rules, problems);
        }
        errors = List.copyOf(problems);
        if (problems.isEmpty()) {
            // Together: rules are only valid against the bindings they were checked with.
            ports.install(bindings);
            current = new RuleSet(List.copyOf(rules), Map.copyOf(models), Instant.now());
            LOG.infof("Loaded %d rule(s) and %d model(s) from %s; ports: %s", rules.size(), models.size(),
                    dir(), ports.names());
            gate.open();
        } else {
            rejected.fire(new RulesRejected(errors));
            problems.forEach(problem -> LOG.errorf("Rejected: %s", problem));
            LOG.errorf("Rules not reloaded: %d problem(s); the previous %d rule(s) stay active",
                    problems.size(), current.rules().size());
            // Before any set has loaded there is nothing to judge events with: they wait on the stream.
            gate.keepClosed("rules, models and port bindings did not load (" + problems.size() + " problem(s), see "
                    + "GET /api/rules): " + problems.get(0) + (problems.size() > 1 ? "; …" : ""));
        }
        return errors;
    }

    private void loadModels(Map<String, SqlModel> models, List<RuleLoadError> problems) {
        for (Path file : files(dir().resolve("models"), ".sql")) {
            String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
            try {
                SqlModel model = SqlModel.parse(name, file.toString(), Files.readString(file));
                // Named on the first line (see SqlModel); kept, so rules requiring it are not also rejected.
                model.datasource().filter(datasource -> !dataSources.exists(datasource)).ifPresent(datasource ->
                        problems.add(new RuleLoadError(file.toString(), 1, "unknown datasource '" + datasource
                                + "' (declare it with switchboard.datasources." + datasource + ".jdbc-url)")));
                models.put(name, model);
            } catch (IllegalArgumentException e) {
                problems.add(new RuleLoadError(file.toString(), 0, e.getMessage()));
            } catch (IOException e) {
                problems.add(new RuleLoadError(file.toString(), 0, "cannot read: " + e.getMessage()));
            }
        }
    }

    private void loadRules(Set<String> portNames, Set<String> models, List<Rule> rules,
            List<RuleLoadError> problems) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Path file : files(dir(), ".yaml", ".yml")) {
            RuleFileParser parser = new RuleFileParser(file.toString(), portNames, models, camel);
            try {
                for (Rule rule : parser.parse(Files.readString(file))) {
                    if (rule.id().equals(AlertsRule.ID)) {
                        problems.add(new RuleLoadError(file.toString(), rule.line(), "the rule id '" + AlertsRule.ID
                                + "' is reserved for the built-in alerts rule"));
                        continue;
                    }
                    Rule earlier = byId.putIfAbsent(rule.id(), rule);
                    if (earlier != null) {
                        problems.add(new RuleLoadError(file.toString(), rule.line(), "duplicate rule id '" + rule.id()
                                + "', also at " + earlier.file() + ":" + earlier.line()));
                    }
                }
            } catch (IOException e) {
                problems.add(new RuleLoadError(file.toString(), 0, "cannot read: " + e.getMessage()));
            }
            problems.addAll(parser.errors());
        }
        rules.addAll(byId.values());
        if (portNames.contains(AlertsRule.PORT)) {
            rules.add(AlertsRule.RULE);
        }
    }

    private Path dir() {
        return config.dir().toAbsolutePath();
    }

    private static List<Path> files(Path dir, String... extensions) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(Files::isRegularFile)
                    .filter(file -> Stream.of(extensions).anyMatch(file.getFileName().toString()::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    /** Names, sizes and modification times of everything a reload reads. */
    private String fingerprint() {
        StringBuilder print = new StringBuilder();
        Set<Path> files = new HashSet<>(files(dir(), ".yaml", ".yml"));
        files.addAll(files(dir().resolve("models"), ".sql"));
        files.add(OperatorConfigSourceProvider.file());
        files.stream().sorted().forEach(file -> {
            try {
                print.append(file).append(Files.size(file)).append(Files.getLastModifiedTime(file)).append('\n');
            } catch (IOException absent) {
                print.append(file).append("-\n");
            }
        });
        return print.toString();
    }
}
