package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfigBuilder;

/** Which settings hold a credential published with the examples: named by setting, whatever else holds "example". */
class ExampleCredentialsTest {

    @Test
    void theExamplesSecretsPasswordsAndPlaceholdersAreNamedByTheirSettings() {
        assertEquals(List.of("quarkus.http.auth.session.encryption-key",
                "quarkus.security.users.embedded.users.operator", "switchboard.ports.crm.token",
                "switchboard.sources.github.secrets", "switchboard.sources.shop.secret"),
                ExampleCredentials.inForce(new SmallRyeConfigBuilder().withDefaultValues(Map.of(
                        "switchboard.sources.shop.secret", "shop-example-secret",
                        "switchboard.sources.github.secrets", "a-new-one, github-example-secret",
                        "quarkus.security.users.embedded.users.operator", "operator-example-password",
                        "switchboard.ports.crm.token", "change-me",
                        "quarkus.http.auth.session.encryption-key", "change-me")).build()));
    }

    @Test
    void theHubRefusesToStartWithThemUnlessOnTheEmbeddedDefaultListeningOnThisMachineOnly() {
        String list = "switchboard.sources.shop.secret";
        assertEquals(Optional.empty(), ExampleCredentials.refusal(list, true, "127.0.0.1"));
        assertEquals(Optional.empty(), ExampleCredentials.refusal(list, true, "localhost"));
        assertEquals(Optional.empty(), ExampleCredentials.refusal(list, true, "::1"));
        // Opened to a network as the README says, before the examples were replaced.
        String open = ExampleCredentials.refusal(list, true, "0.0.0.0").orElseThrow();
        assertTrue(open.startsWith("Example credentials in force while listening on 0.0.0.0 (quarkus.http.host)"), open);
        assertTrue(open.contains(list), open);
        assertTrue(ExampleCredentials.refusal(list, true, "10.1.2.3").isPresent());
        assertTrue(ExampleCredentials.refusal(list, false, "127.0.0.1").orElseThrow()
                .startsWith("Example credentials in force with a configured database or broker"));
    }

    @Test
    void ownCredentialsAndExampleValuesOfOtherSettingsAreNotNamed() {
        assertEquals(List.of(), ExampleCredentials.inForce(new SmallRyeConfigBuilder().withDefaultValues(Map.of(
                "switchboard.sources.shop.secret", "3f9c1e0b7a",
                "quarkus.security.users.embedded.users.operator", "correct horse battery staple",
                "switchboard.ports.crm.url", "https://crm.example.com/change-me",
                "switchboard.sources.shop.signature-header", "X-Shop-example-secret")).build()));
    }
}
