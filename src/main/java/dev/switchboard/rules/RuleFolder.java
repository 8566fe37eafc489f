package dev.switchboard.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.camel.CamelContext;

import dev.switchboard.core.FileWatch;
import dev.switchboard.core.Suggestions;

/**
 * Reads a rules folder (rule files, and SQL models under {@code models/}) into a {@link RuleSet},
 * or the problems that keep it from loading. The rules in force are read this way, and so is a
 * candidate set that a backtest compares with them.
 */
public final class RuleFolder {

    /** What a folder holds: a set that can take effect when {@code problems} is empty. */
    public record Reading(RuleSet rules, List<RuleLoadError> problems) {
    }

    private RuleFolder() {
    }

    /**
     * @param ports the port names rules may call
     * @param datasources the names of the business datasources declared
     * @param reserved rule ids no file may use, with why
     */
    public static Reading read(Path dir, Set<String> ports, Set<String> datasources, Map<String, String> reserved,
            CamelContext camel) {
        List<RuleLoadError> problems = new ArrayList<>();
        Map<String, SqlModel> models = new TreeMap<>();
        loadModels(dir, datasources, models, problems);
        List<Rule> rules = loadRules(dir, ports, models.keySet(), reserved, camel, problems);
        return new Reading(new RuleSet(List.copyOf(rules), Map.copyOf(models), Instant.now()), List.copyOf(problems));
    }

    private static void loadModels(Path dir, Set<String> datasources, Map<String, SqlModel> models,
            List<RuleLoadError> problems) {
        for (Path file : FileWatch.list(dir.resolve("models"), ".sql")) {
            String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
            try {
                SqlModel model = SqlModel.parse(name, file.toString(), Files.readString(file));
                // Named on the first line (see SqlModel); kept, so rules requiring it are not also rejected.
                model.datasource().filter(datasource -> !datasources.contains(datasource)).ifPresent(datasource ->
                        problems.add(new RuleLoadError(file.toString(), 1, "unknown datasource '" + datasource + "'"
                                + Suggestions.hint(datasource, datasources) + " (declare it with switchboard.datasources."
                                + datasource + ".jdbc-url)")));
                models.put(name, model);
            } catch (IllegalArgumentException e) {
                problems.add(new RuleLoadError(file.toString(), 0, e.getMessage()));
            } catch (IOException e) {
                problems.add(new RuleLoadError(file.toString(), 0, "cannot read: " + e.getMessage()));
            }
        }
    }

    private static List<Rule> loadRules(Path dir, Set<String> ports, Set<String> models, Map<String, String> reserved,
            CamelContext camel, List<RuleLoadError> problems) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Path file : FileWatch.list(dir, ".yaml", ".yml")) {
            RuleFileParser parser = new RuleFileParser(file.toString(), ports, models, camel);
            try {
                for (Rule rule : parser.parse(Files.readString(file))) {
                    if (reserved.containsKey(rule.id())) {
                        problems.add(new RuleLoadError(file.toString(), rule.line(), "the rule id '" + rule.id()
                                + "' is reserved for " + reserved.get(rule.id())));
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
        return new ArrayList<>(byId.values());
    }

    /** Every file a read of this folder looks at. */
    public static List<Path> inputs(Path dir) {
        List<Path> inputs = new ArrayList<>(FileWatch.list(dir, ".yaml", ".yml"));
        inputs.addAll(FileWatch.list(dir.resolve("models"), ".sql"));
        return inputs;
    }
}
