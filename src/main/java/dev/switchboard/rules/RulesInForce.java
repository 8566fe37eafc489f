package dev.switchboard.rules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.connect.DataSources;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.FileReloads;
import dev.switchboard.core.FileWatch;
import dev.switchboard.core.ReloadedSettings;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.StartupGate;
import dev.switchboard.ingest.SourcesInForce;

/**
 * The rules in force, with everything else the operator's file says that can change at runtime: port
 * bindings, webhook and queue sources, expectations and alert thresholds. Loaded at startup and
 * again whenever a file of the rules folder or the operator's configuration changes (checked every
 * two seconds): a load with any error is rejected as a whole, logged with file, line and reason,
 * and the last valid set stays active. A changed setting that takes effect only at a restart is
 * listed in {@link #restartNeeded()}.
 * The first load that takes effect opens the {@link StartupGate}: until then nothing is consumed.
 */
@ApplicationScoped
public class RulesInForce {

    private static final Logger LOG = Logger.getLogger(RulesInForce.class);

    @Inject
    RulesConfig config;

    @Inject
    PortBindings ports;

    @Inject
    CamelContext camel;

    @Inject
    FileReloads reloads;

    @Inject
    DataSources dataSources;

    @Inject
    Event<RulesRejected> rejected;

    @Inject
    Event<RulesLoaded> loadedEvent;

    @Inject
    StartupGate gate;

    @Inject
    SourcesInForce sources;

    /** The running configuration, for its profiles. */
    @Inject
    SmallRyeConfig profiles;

    /** The other parts of the operator's file that reload with the rules (expectations and alerts). */
    @Inject
    @Any
    Instance<ReloadedSettings> parts;

    private volatile RuleSet current = RuleSet.EMPTY;
    private volatile List<RuleLoadError> errors = List.of();
    private volatile List<RestartNeeded> restartNeeded = List.of();
    /** Whether the last load found no rules folder; said once each time it goes missing. */
    private boolean noFolder;
    /** Whether the rules in force were read from a folder: one that vanishes then is a mistake, not "no rules". */
    private boolean loadedFromFolder;
    /** Whether any set has loaded: before, a rejected load leaves nothing in force, and events wait. */
    private boolean everLoaded;
    /** What the files the rules in force were loaded from held (their content's digests). */
    private volatile Map<Path, String> inForce = Map.of();
    /** Everything a reload reads: the folder's rules and models, and the operator's file (ports). */
    private final FileWatch inputs = new FileWatch(() -> {
        List<Path> files = new ArrayList<>(RuleFolder.inputs(dir()));
        files.add(OperatorConfigSourceProvider.file());
        return files;
    });

    public RuleSet current() {
        return current;
    }

    /** The problems of the latest load attempt; empty when it succeeded. */
    public List<RuleLoadError> errors() {
        return errors;
    }

    /** Settings of the operator's file changed since startup that no reload puts in force. */
    public List<RestartNeeded> restartNeeded() {
        return restartNeeded;
    }

    /** A changed setting that takes effect at the next start only; its value is not shown (it may be a secret). */
    public record RestartNeeded(String setting, String file, int line) {

        @Override
        public String toString() {
            return setting + " (" + file + (line > 0 ? ":" + line : "") + ") changed: it takes effect at the next"
                    + " restart";
        }
    }

    void onStart(@Observes StartupEvent event) {
        reload();
        reloads.every("rules-reload", config.reloadInterval(), this::reloadIfChanged);
    }

    /**
     * Checked under the lock {@link #reload()} holds: a check made while a reload of the same files
     * runs would see them as changed and load them a second time, replacing the set in force with
     * an equal but new one (a test holding the first saw it replaced).
     */
    synchronized void reloadIfChanged() {
        if (config.reloadOnChange() && inputs.changed()) {
            reload();
        }
    }

    /** A file read by the load in force that differs on disk now: {@code new}, {@code changed} or {@code removed}. */
    public record FileChange(String file, String change) {
    }

    /** The files on disk that differ from those the rules in force were loaded from. */
    public List<FileChange> changedOnDisk() {
        return FileWatch.differences(inForce, inputs.contents()).entrySet().stream()
                .map(entry -> new FileChange(entry.getKey().toString(), entry.getValue())).toList();
    }

    /** Whether a change on disk waits for an operator to apply it ({@code switchboard.rules.reload-on-change=false}). */
    public boolean changesWaitForOperator() {
        return !config.reloadOnChange();
    }

    /**
     * Loads ports, models and rules from disk now; returns the problems found (none when it took
     * effect). They take effect together or not at all.
     */
    public synchronized List<RuleLoadError> reload() {
        Map<Path, String> contents = inputs.record();
        List<RuleLoadError> problems = new ArrayList<>();
        PortBindings.Reading bindings = ports.read();
        SourcesInForce.Reading sourceReading = sources.read();
        List<ReloadedSettings.Reading> readings = new ArrayList<>();
        readings.add(sourceReading.settings());
        parts.forEach(part -> readings.add(part.read()));
        // One problem per setting: a value two parts refuse (the start's checks and the part that reads it) is one
        // mistake, said in the hub's words rather than in SmallRye's (SRCFG…), when both name it.
        Set<String> named = new HashSet<>();
        Stream.concat(bindings.problems().stream(), readings.stream().flatMap(reading -> reading.problems().stream()))
                .sorted(Comparator.comparing(problem -> problem.message().contains("SRCFG")))
                .filter(problem -> problem.setting().isEmpty() || named.add(problem.setting()))
                .forEach(problem -> problems.add(operatorFileError(problem)));
        RuleSet loaded = RuleSet.EMPTY;
        boolean folder = Files.isDirectory(dir());
        if (problems.isEmpty() && !folder && loadedFromFolder) {
            // Moved away by a deploy that swaps folders, or a volume not mounted yet: dropping every
            // rule would record each event IGNORED for good, which no reload afterwards undoes.
            problems.add(new RuleLoadError(dir().toString(), 0, "the rules folder is gone; to run without rules,"
                    + " leave it there empty"));
        }
        if (problems.isEmpty()) {
            noteMissingFolder();
            RuleFolder.Reading reading = read(dir(), bindings.names());
            problems.addAll(reading.problems());
            loaded = reading.rules();
        }
        errors = List.copyOf(problems);
        if (problems.isEmpty()) {
            // Together: rules are only valid against the bindings and sources they were checked with.
            ports.install(bindings);
            readings.forEach(reading -> reading.install().run());
            current = loaded;
            inForce = contents;
            loadedFromFolder = folder;
            everLoaded = true;
            LOG.infof("Loaded %d rule(s) and %d model(s) from %s; ports: %s; sources: %s", loaded.rules().size(),
                    loaded.models().size(), dir(), ports.names(), sourceReading.names());
            gate.open();
            loadedEvent.fire(new RulesLoaded(loaded));
        } else {
            rejected.fire(new RulesRejected(errors));
            problems.forEach(problem -> LOG.errorf("Rejected: %s", problem));
            if (everLoaded) {
                LOG.errorf("Rules not reloaded: %d problem(s); the previous %d rule(s) stay active",
                        problems.size(), current.rules().size());
            } else {
                LOG.errorf("Rules not loaded: %d problem(s); no rule is in force yet, and events wait on the stream"
                        + " until the rules load", problems.size());
            }
            // Before any set has loaded there is nothing to judge events with: they wait on the stream.
            gate.keepClosed("rules, models and port bindings did not load (" + problems.size() + " problem(s), see "
                    + "GET /api/rules): " + problems.get(0) + (problems.size() > 1 ? "; …" : ""));
        }
        // A setting refused here is a mistake to fix, not a change waiting for a restart (that would refuse it too).
        noteRestartNeeded(key -> named.contains(key) || key.startsWith(PortBindings.PREFIX) || sourceReading.reloads(key)
                || parts.stream().anyMatch(part -> part.reloads(key)));
        return errors;
    }

    /**
     * A rules folder that was named and is missing stops the start (boot.FoldersCheck); the default
     * one may be missing from a hub run without rules, which is said once rather than left to the
     * IGNORED events to tell.
     */
    private void noteMissingFolder() {
        boolean missing = !Files.isDirectory(dir());
        if (missing && !noFolder) {
            LOG.warnf("There is no rules folder at %s (switchboard.rules.dir): no rule applies, and every event is"
                    + " recorded IGNORED until rules are added there", dir());
        }
        noFolder = missing;
    }

    /**
     * Compares the operator's file with what the hub started with: a changed setting that no reload
     * takes is listed, and logged once, as needing a restart.
     */
    private void noteRestartNeeded(Predicate<String> reloaded) {
        Map<String, String> atStartup = effective(OperatorConfigSourceProvider.atStartup());
        Map<String, String> now = effective(OperatorConfigSourceProvider.onDisk());
        Set<String> keys = new TreeSet<>(atStartup.keySet());
        keys.addAll(now.keySet());
        List<RestartNeeded> needed = keys.stream()
                .filter(key -> !Objects.equals(atStartup.get(key), now.get(key)) && !reloaded.test(key))
                .map(key -> new RestartNeeded(key, OperatorConfigSourceProvider.file().toString(),
                        OperatorConfigSourceProvider.lineOf(key)))
                .toList();
        needed.stream().filter(item -> !restartNeeded.contains(item))
                .forEach(item -> LOG.warnf("Restart needed: %s", item));
        restartNeeded = needed;
    }

    /**
     * The file's keys as the running profiles read them: {@code %dev.x} is {@code x} in dev (and wins
     * over it), and nothing in another profile.
     */
    private Map<String, String> effective(Map<String, String> raw) {
        List<String> active = profiles.getProfiles();
        Map<String, String> effective = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (!key.startsWith("%")) {
                effective.putIfAbsent(key, value);
            } else if (key.indexOf('.') > 1 && Arrays.stream(key.substring(1, key.indexOf('.')).split(","))
                    .anyMatch(active::contains)) {
                effective.put(key.substring(key.indexOf('.') + 1), value);
            }
        });
        return effective;
    }

    private static RuleLoadError operatorFileError(SettingProblem problem) {
        return new RuleLoadError(OperatorConfigSourceProvider.file().toString(),
                OperatorConfigSourceProvider.lineOf(problem.setting()), problem.message());
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
        RuleFolder.Reading reading = RuleFolder.read(folder, portNames, dataSources.names(),
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
}
