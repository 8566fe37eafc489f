package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layers only look down (docs/architecture.md): each package of the hub may use the packages
 * below it in {@link #LAYERS} and none above, and only ops speaks JAX-RS. A plain scan of the
 * sources, so it needs no library and names the file and line of each reference that climbs.
 */
class ArchitectureTest {

    /** Bottom first. A new top-level package has to be placed here before its first test passes. */
    static final List<String> LAYERS = List.of("core", "stream", "boot", "connect", "ingest", "rules", "runs",
            "routes", "backtest", "ops");

    private static final Path SOURCES = Path.of("src/main/java/dev/switchboard");
    /** An import, static import or fully qualified name of a class of the project, by its top-level package. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.switchboard\\.([a-z]\\w*)\\.");
    private static final Pattern JAX_RS = Pattern.compile("\\bjakarta\\.ws\\.rs\\b|\\borg\\.jboss\\.resteasy\\b");

    @Test
    void noPackageImportsALayerAboveIt() {
        List<String> climbing = new ArrayList<>();
        for (Path file : sources()) {
            String layer = layerOf(file);
            int level = LAYERS.indexOf(layer);
            forEachLine(file, (number, line) -> {
                Matcher reference = REFERENCE.matcher(line);
                while (reference.find()) {
                    String used = reference.group(1);
                    int usedLevel = LAYERS.indexOf(used);
                    if (!used.equals(layer) && (usedLevel < 0 || usedLevel > level)) {
                        climbing.add(SOURCES.relativize(file) + ":" + number + " (" + layer + ") uses " + used
                                + ": " + line.trim());
                    }
                }
            });
        }
        assertEquals(List.of(), climbing, "references that climb (layers, bottom first: " + LAYERS + ")");
    }

    @Test
    void onlyOpsSpeaksJaxRs() {
        List<String> found = new ArrayList<>();
        for (Path file : sources()) {
            if (!layerOf(file).equals("ops")) {
                forEachLine(file, (number, line) -> {
                    if (JAX_RS.matcher(line).find()) {
                        found.add(SOURCES.relativize(file) + ":" + number + ": " + line.trim());
                    }
                });
            }
        }
        assertEquals(List.of(), found, "JAX-RS below ops");
    }

    @Test
    void everyPackageHasItsPlaceAmongTheLayers() {
        List<String> unplaced = sources().stream().map(ArchitectureTest::layerOf).distinct()
                .filter(layer -> !LAYERS.contains(layer)).toList();
        assertEquals(List.of(), unplaced, "packages missing from ArchitectureTest.LAYERS");
    }

    private static String layerOf(Path file) {
        Path relative = SOURCES.relativize(file);
        return relative.getNameCount() > 1 ? relative.getName(0).toString() : "";
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface LineVisitor {
        void visit(int number, String line);
    }

    private static void forEachLine(Path file, LineVisitor visitor) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                visitor.visit(i + 1, lines.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
