package dev.switchboard.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    synchronized void reloadWhenChanged() {
        // Checked under the lock reload() holds: a check made while a reload of the same files
        // runs would see them as changed and load them a second time, replacing the set in force
        // with an equal but new one (a test holding the first saw it replaced).
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
        bindings.problems().forEach(problem -> problems.add(new RuleLoadError(
                OperatorConfigSourceProvider.file().toString(), OperatorConfigSourceProvider.lineOf(problem.setting()),
                problem.message())));
        RuleSet loaded = RuleSet.EMPTY;
        if (problems.isEmpty()) {
            RuleFolder.Reading reading = read(dir(), bindings.names());
            problems.addAll(reading.problems());
            loaded = reading.rules();
        }
        errors = List.copyOf(problems);
        if (problems.isEmpty()) {
            // Together: rules are only valid against the bindings they were checked with.
            ports.install(bindings);
            current = loaded;
            LOG.infof("Loaded %d rule(s) and %d model(s) from %s; ports: %s", loaded.rules().size(),
                    loaded.models().size(), dir(), ports.names());
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

    /**
     * The rules a folder holds, read against the ports bound now, as they would be loaded (with the
     * built-in alerts rule) but without taking effect: what a backtest compares with {@link #current()}.
     */
    public RuleFolder.Reading candidate(Path folder) {
        return read(folder.toAbsolutePath(), ports.names());
    }

    /** The rules folder in force. */
    public Path folder() {
        return dir();
    }

    private RuleFolder.Reading read(Path folder, Set<String> portNames) {
        RuleFolder.Reading reading = RuleFolder.read(folder, portNames, dataSources::exists,
                Map.of(AlertsRule.ID, "the built-in alerts rule"), camel);
        if (!portNames.contains(AlertsRule.PORT)) {
            return reading;
        }
        List<Rule> rules = new ArrayList<>(reading.rules().rules());
        rules.add(AlertsRule.RULE);
        return new RuleFolder.Reading(new RuleSet(List.copyOf(rules), reading.rules().models(),
                reading.rules().loadedAt()), reading.problems());
    }

    private Path dir() {
        return config.dir().toAbsolutePath();
    }

    /** Names, sizes and modification times of everything a reload reads. */
    private String fingerprint() {
        StringBuilder print = new StringBuilder();
        Set<Path> files = new HashSet<>(RuleFolder.inputs(dir()));
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
