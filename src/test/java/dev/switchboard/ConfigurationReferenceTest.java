package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.ops.ConfigKeysCheck;

/**
 * Every {@code switchboard.*} property that a typed config mapping declares has a row in the
 * configuration reference, {@code docs/configuration.md}. The mappings are found by scanning the
 * sources for {@code @ConfigMapping}; their properties are read by reflection over the interfaces,
 * named as SmallRye names them: a method in kebab-case, {@code @WithName} instead, nothing for
 * {@code @WithParentName}, and a {@code <name>} segment for each key of a {@code Map}. A
 * placeholder of the reference ({@code <name>}, {@code <stage>}) stands for any one segment.
 */
class ConfigurationReferenceTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final Pattern MAPPING = Pattern.compile(
            "@ConfigMapping\\(\\s*prefix\\s*=\\s*\"switchboard[^\"]*\"[^)]*\\)\\s*(?:public\\s+)?interface\\s+(\\w+)");
    private static final Pattern TOP_LEVEL = Pattern.compile("^(?:public\\s+)?(?:final\\s+)?(?:class|interface|record|enum)\\s+(\\w+)",
            Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final String ANY = "<>";

    @Test
    void everySwitchboardSettingOfTheConfigMappingsIsInTheReference() {
        Set<String> declared = new TreeSet<>();
        for (Class<?> mapping : mappings()) {
            collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, declared);
        }
        assertFalse(declared.isEmpty(), "no switchboard.* config mapping found under " + SOURCES);

        List<String[]> documented = documented();
        List<String> missing = new ArrayList<>();
        for (String property : declared) {
            if (documented.stream().noneMatch(row -> matches(row, property.split("\\.")))) {
                missing.add(property.replace(ANY, "<name>"));
            }
        }
        assertEquals(List.of(), missing, "switchboard.* properties of the config mappings without a row in "
                + REFERENCE + " (placeholders written as <name>)");
    }

    /**
     * Each default is stated once, by its {@code @WithDefault}: where the reference's row names one
     * property and its default cell is one code span, that span is the declared default.
     */
    @Test
    void theReferencesDefaultsAreTheDeclaredOnes() {
        Map<String, String> declared = new TreeMap<>();
        for (Class<?> mapping : mappings()) {
            defaults(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, declared);
        }
        List<String> differing = new ArrayList<>();
        int compared = 0;
        for (Row row : rows()) {
            Matcher stated = Pattern.compile("^\\s*`([^`]*)`\\s*$").matcher(row.defaultCell());
            // A placeholder (<name>, <stage>) stands for a map's key, as ANY does in the declared names.
            String key = row.names().isEmpty() ? "" : row.names().get(0).replaceAll("<[^>.]*>", ANY);
            if (row.names().size() != 1 || !stated.matches() || !declared.containsKey(key)) {
                continue;
            }
            compared++;
            if (!declared.get(key).equals(stated.group(1))) {
                differing.add(row.names().get(0) + ": reference `" + stated.group(1) + "`, @WithDefault \""
                        + declared.get(key) + "\"");
            }
        }
        assertFalse(declared.isEmpty());
        assertEquals(List.of(), differing, "defaults in " + REFERENCE + " that are not the declared ones");
        // Most declared defaults have a row stating them: a matching that found few has gone wrong.
        assertTrue(compared > declared.size() / 2, compared + " of " + declared.size() + " declared defaults compared");
    }

    /** The {@code @WithDefault} of each property of a mapping, a map's key named {@link #ANY}. */
    private static void defaults(String prefix, Class<?> group, Map<String, String> into) {
        for (Map.Entry<String, Method> property : properties(prefix, group)) {
            String name = property.getKey();
            Method method = property.getValue();
            Type type = method.getGenericReturnType();
            WithDefault given = method.getAnnotation(WithDefault.class);
            if (raw(type) == Map.class) {
                name = name + "." + ANY;
                type = argument(type, 1);
            }
            Class<?> raw = raw(type);
            if (given != null) {
                into.put(name, given.value());
            } else if (raw.isInterface() && raw.getName().startsWith("dev.switchboard.")) {
                defaults(name, raw, into);
            }
        }
    }

    /**
     * The other way round: a setting the reference names is one the startup check accepts, so
     * following the reference never stops a start with "unknown setting". A placeholder stands
     * for an example key (a stage for {@code <stage>}); a bare name after a slash
     * ({@code size} / {@code linger}) is a sibling of the row's first.
     */
    @Test
    void everySettingOfTheReferenceIsOneTheStartupCheckAccepts() {
        Map<String, String> named = new TreeMap<>();
        for (Row row : rows()) {
            for (String setting : row.settings()) {
                // <stage> is one of the stages BatchConfig names; any other placeholder a map's key.
                named.put(setting.replace("<stage>", "stream").replaceAll("<[^>.]*>", "example"), "1");
            }
        }
        assertTrue(named.size() > 50, "only " + named.size() + " settings read from " + REFERENCE);
        List<String> refused = new ConfigKeysCheck().check(new PropertiesConfigSource(named, "reference", 100), List.of())
                .stream().map(SettingProblem::message).toList();
        assertEquals(List.of(), refused, "settings of " + REFERENCE + " that the startup check refuses");
    }

    /** A row of the reference's tables: the code spans of its first cell, and its second cell. */
    private record Row(List<String> names, String defaultCell) {

        /** The {@code switchboard.*} settings the row names, a bare name after one its sibling. */
        List<String> settings() {
            List<String> settings = new ArrayList<>();
            String full = null;
            for (String name : names) {
                if (name.startsWith("switchboard.")) {
                    full = name;
                    settings.add(name);
                } else if (full != null && !name.contains(".")) {
                    settings.add(full.substring(0, full.lastIndexOf('.') + 1) + name);
                }
            }
            return settings;
        }
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(REFERENCE)) {
                String[] cells = line.split("\\|");
                if (!line.startsWith("| `") || cells.length < 3) {
                    continue;
                }
                Matcher names = CODE.matcher(cells[1]);
                List<String> named = new ArrayList<>();
                while (names.find()) {
                    named.add(names.group(1));
                }
                rows.add(new Row(named, cells[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @Test
    void theStartupCheckKnowsEveryConfigMapping() {
        // Otherwise a valid key of a mapping it misses would stop every start as unknown.
        assertEquals(new java.util.HashSet<>(mappings()), new java.util.HashSet<>(ConfigKeysCheck.MAPPINGS));
    }

    /** The interfaces annotated {@code @ConfigMapping(prefix = "switchboard…")}, top-level or nested. */
    private static List<Class<?>> mappings() {
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher mapping = MAPPING.matcher(source);
                while (mapping.find()) {
                    String packageName = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                    String fileClass = file.getFileName().toString().replace(".java", "");
                    String name = mapping.group(1);
                    String binary = packageName + "." + (name.equals(fileClass) ? name : outer(source, fileClass) + "$" + name);
                    found.add(Class.forName(binary, false, ConfigurationReferenceTest.class.getClassLoader()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("a config mapping found in the sources is not on the classpath: " + e.getMessage(), e);
        }
        return found;
    }

    /** The top-level type of a file, which a mapping nested one level deep belongs to. */
    private static String outer(String source, String fileClass) {
        Matcher top = TOP_LEVEL.matcher(source);
        return top.find() ? top.group(1) : fileClass;
    }

    private static void collect(String prefix, Class<?> group, Set<String> into) {
        properties(prefix, group).forEach(named -> property(named.getKey(), named.getValue().getGenericReturnType(), into));
    }

    /**
     * The property methods of a mapping group by the name SmallRye gives them under {@code prefix}:
     * a method in kebab-case, {@code @WithName} instead, the prefix itself for {@code @WithParentName}
     * (several methods may share it).
     */
    private static List<Map.Entry<String, Method>> properties(String prefix, Class<?> group) {
        List<Map.Entry<String, Method>> properties = new ArrayList<>();
        for (Method method : group.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String name = prefix;
            if (!method.isAnnotationPresent(WithParentName.class)) {
                WithName withName = method.getAnnotation(WithName.class);
                name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            }
            properties.add(Map.entry(name, method));
        }
        return properties;
    }

    private static void property(String name, Type type, Set<String> into) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            property(name, argument(type, 0), into);
        } else if (raw == Map.class) {
            property(name + "." + ANY, argument(type, 1), into);
        } else if (raw.isInterface() && raw.getName().startsWith("dev.switchboard.")) {
            collect(name, raw, into);
        } else {
            into.add(name);
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /**
     * The property names in the first cell of each table row of the reference, split into
     * segments, placeholders as {@link #ANY}. A cell may shorten siblings as
     * {@code `switchboard.retention.interval` / `batch`}: each further name replaces the last segment.
     */
    private static List<String[]> documented() {
        return rows().stream().flatMap(row -> row.settings().stream())
                .map(name -> name.replaceAll("<[^>]+>", ANY).split("\\.")).toList();
    }

    /** A placeholder of the reference matches any one segment; a name matches only itself. */
    private static boolean matches(String[] documented, String[] property) {
        if (documented.length != property.length) {
            return false;
        }
        for (int i = 0; i < documented.length; i++) {
            if (!documented[i].equals(ANY) && !documented[i].equals(property[i])) {
                return false;
            }
        }
        return true;
    }
}
