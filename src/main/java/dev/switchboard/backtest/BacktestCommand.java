package dev.switchboard.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import com.fasterxml.jackson.databind.SerializationFeature;

import dev.switchboard.core.Json;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.rules.RuleFolder;
import dev.switchboard.rules.RuleLoadError;

/**
 * A backtest without a hub, for a rules repository's CI: two rules folders (before and after a
 * change) judged over exported events ({@code GET /api/events/export}, JSON lines), exiting 1 when
 * more actions change than allowed. Run by {@code ./backtest} (see docs/backtest.md). SQL models
 * are not run here (there is no database): an event a rule could judge only with one is counted
 * as not judged, and any such event fails the check (exit 3) unless {@code --allow-unjudged}: a
 * pass means every event was judged, not that a change went unseen.
 */
public final class BacktestCommand {

    static final int CHANGES_EXCEEDED = 1;
    static final int USAGE = 2;
    static final int UNJUDGED = 3;

    private static final Pattern PORT_KEY = Pattern.compile("switchboard\\.ports\\.([A-Za-z0-9_-]+)\\.connector");
    private static final Pattern DATASOURCE_KEY = Pattern.compile("switchboard\\.datasources\\.([A-Za-z0-9_-]+)\\.jdbc-url");
    private static final String USAGE_TEXT = """
            usage: backtest --before DIR --after DIR --events FILE [--config FILE] [--max-changes N]
                            [--allow-unjudged] [--examples N] [--json FILE] [--baseline]
              --before      the rules folder as it is (e.g. a checkout of the main branch)
              --after       the rules folder as it would be
              --events      recorded events, one CloudEvent per line (GET /api/events/export)
              --config      the operator's application.properties, for its port and datasource
                            names (default: application.properties in the working directory)
              --max-changes actions added, removed or changed that are still a pass (default 0)
              --allow-unjudged
                            pass even when events could not be judged (a rule needed an SQL
                            model, which is not run offline, or its condition failed)
              --examples    examples kept per rule (default 5)
              --json        also write the full comparison to this file
              --baseline    judge the events by --before alone, no comparison: a plain
                            evaluation loop's rate, to compare a backtest's with
            """;

    private BacktestCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The exit code: 0 within the allowed changes, 1 beyond them, 2 for a usage or load error, 3
     * for events a set could not judge (unless allowed).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--baseline") || name.equals("--allow-unjudged")) {
                options.put(name, "true");
            } else if (Set.of("--before", "--after", "--events", "--config", "--max-changes", "--examples", "--json")
                    .contains(name) && i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                err.println("backtest: unknown or incomplete option '" + name + "'");
                err.print(USAGE_TEXT);
                return USAGE;
            }
        }
        boolean baseline = options.containsKey("--baseline");
        for (String required : baseline ? Set.of("--before", "--events") : Set.of("--before", "--after", "--events")) {
            if (!options.containsKey(required)) {
                err.println("backtest: " + required + " is required");
                err.print(USAGE_TEXT);
                return USAGE;
            }
        }
        // Conditions are Camel expressions: a plain context compiles and runs them as the hub's does.
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.start();
            return backtest(options, baseline, camel, out, err);
        } catch (IOException e) {
            err.println("backtest: " + e.getMessage());
            return USAGE;
        } catch (NumberFormatException e) {
            err.println("backtest: --max-changes and --examples take a number: " + e.getMessage());
            return USAGE;
        } finally {
            camel.stop();
        }
    }

    private static int backtest(Map<String, String> options, boolean baseline, CamelContext camel, PrintStream out,
            PrintStream err) throws IOException {
        Path config = Path.of(options.getOrDefault("--config", "application.properties"));
        Properties settings = new Properties();
        if (Files.isRegularFile(config)) {
            try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                settings.load(reader);
            }
        } else if (options.containsKey("--config")) {
            err.println("backtest: no file " + config);
            return USAGE;
        }
        Set<String> ports = names(settings, PORT_KEY);
        Set<String> datasources = names(settings, DATASOURCE_KEY);
        Optional<RuleFolder.Reading> before = read("--before", Path.of(options.get("--before")), ports, datasources,
                camel, err);
        Optional<RuleFolder.Reading> after = baseline ? before
                : read("--after", Path.of(options.get("--after")), ports, datasources, camel, err);
        if (before.isEmpty() || after.isEmpty()) {
            return USAGE;
        }
        int examples = Integer.parseInt(options.getOrDefault("--examples", "5"));
        long allowed = Long.parseLong(options.getOrDefault("--max-changes", "0"));
        Comparison comparison = new Comparison(before.get().rules(), after.get().rules(), examples, Comparison.Targets.NONE);
        RuleEvaluator.Models offline = (model, event) -> {
            throw new ModelRunner.ModelException("model " + model.name() + " is not run offline", false, null);
        };
        long started = System.nanoTime();
        try (BufferedReader lines = Files.newBufferedReader(Path.of(options.get("--events")), StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                if (baseline) {
                    comparison.judgeOnce(line, offline);
                } else {
                    comparison.judge(line, offline);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Comparison.Report report = comparison.report();
        out.printf("%d event(s) in %.1f s (%.0f/s)%s%n", report.events(), seconds, report.events() / seconds,
                baseline ? ", judged by --before alone" : "");
        if (baseline) {
            return 0;
        }
        print(report, out);
        if (options.containsKey("--json")) {
            Json.MAPPER.copy().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(Path.of(options.get("--json")).toFile(), report);
        }
        if (report.changes() > allowed) {
            out.printf("FAIL: %d action(s) change, %d allowed%n", report.changes(), allowed);
            return CHANGES_EXCEEDED;
        }
        if (report.failuresBefore() + report.failuresAfter() > 0 && !options.containsKey("--allow-unjudged")) {
            out.printf("NOT JUDGED: %d action(s) change, %d allowed, but events could not be judged (see above):"
                    + " backtest this change on the hub, or pass --allow-unjudged%n", report.changes(), allowed);
            return UNJUDGED;
        }
        out.printf("PASS: %d action(s) change, %d allowed%n", report.changes(), allowed);
        return 0;
    }

    private static Optional<RuleFolder.Reading> read(String option, Path folder, Set<String> ports,
            Set<String> datasources, CamelContext camel, PrintStream err) {
        if (!Files.isDirectory(folder)) {
            err.println("backtest: " + option + " " + folder + " is not a folder");
            return Optional.empty();
        }
        RuleFolder.Reading reading = RuleFolder.read(folder, ports, datasources, Map.of(), camel);
        if (!reading.problems().isEmpty()) {
            err.println("backtest: the rules of " + option + " do not load:");
            reading.problems().stream().map(RuleLoadError::toString).forEach(problem -> err.println("  " + problem));
            return Optional.empty();
        }
        return Optional.of(reading);
    }

    private static void print(Comparison.Report report, PrintStream out) {
        if (report.unreadable() > 0) {
            out.printf("%d line(s) are not CloudEvents and were skipped%n", report.unreadable());
        }
        if (report.failuresBefore() + report.failuresAfter() > 0) {
            out.printf("%d event(s) could not be judged by --before, %d by --after (a rule that requires an SQL model,"
                    + " not run offline, or a condition that failed): their actions are not compared%n",
                    report.failuresBefore(), report.failuresAfter());
        }
        out.printf("%-24s %9s %9s %7s %7s %7s%n", "rule", "before", "after", "added", "removed", "changed");
        for (Comparison.RuleDiff rule : report.rules()) {
            out.printf("%-24s %9d %9d %7d %7d %7d%s%n", rule.rule(), rule.matchedBefore(), rule.matchedAfter(),
                    rule.added(), rule.removed(), rule.changed(), rule.usesModels()
                            ? "  (requires SQL models: not run offline, backtest it on the hub)" : "");
            for (Comparison.Example example : rule.examples()) {
                out.printf("    %s %s on event %s%n", example.change(), example.action(), example.event());
                if (example.before() != null) {
                    out.println("      before: " + describe(example.before()));
                }
                if (example.after() != null) {
                    out.println("      after:  " + describe(example.after()));
                }
            }
        }
    }

    private static String describe(Comparison.Planned planned) {
        String body = planned.error() != null ? "cannot render: " + planned.error() : planned.body();
        return "port " + planned.port() + (planned.operation() == null ? "" : " " + planned.operation()) + ": "
                + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
    }

    private static Set<String> names(Properties settings, Pattern key) {
        Set<String> names = new TreeSet<>();
        for (String name : settings.stringPropertyNames()) {
            Matcher matcher = key.matcher(name);
            if (matcher.matches()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }
}
