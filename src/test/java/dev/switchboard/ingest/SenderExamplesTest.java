package dev.switchboard.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The sender examples of docs/sources.md ({@code docs/senders/*.mjs}), run as a user would run
 * them: each signs with that vendor's own library (Stripe's {@code stripe}, the Standard Webhooks
 * reference {@code standardwebhooks}, GitHub's {@code @octokit/webhooks-methods}) and posts to the
 * hub. If a vendor's signing and the hub's checking ever drift apart, the documented send breaks
 * here rather than at a user's first delivery.
 *
 * <p>Needs Node.js and the packages of docs/senders (installed here with {@code npm ci} when
 * missing). Without them the test is skipped, unless SWITCHBOARD_REQUIRE_NODE=true (as in CI),
 * where it fails.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class SenderExamplesTest {

    static final Path SENDERS = Path.of("docs/senders");

    @TestHTTPResource("/hooks/")
    URL hooks;

    record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void nodeAndTheVendorLibrariesAreInstalled() throws Exception {
        String missing = null;
        try {
            if (run(List.of("node", "--version"), Map.of()).exitCode() != 0) {
                missing = "node does not run";
            } else if (!Files.isDirectory(SENDERS.resolve("node_modules"))) {
                Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of());
                if (install.exitCode() != 0) {
                    missing = "npm ci in docs/senders failed: " + install.output();
                }
            }
        } catch (IOException e) {
            missing = "Node.js is not installed: " + e.getMessage();
        }
        if (missing != null && "true".equals(System.getenv("SWITCHBOARD_REQUIRE_NODE"))) {
            fail(missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
    }

    static Run run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(SENDERS.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    Run send(String script, String secret, String source, String... arguments) throws Exception {
        return send(script, Map.of("SWITCHBOARD_WEBHOOK_SECRET", secret), source, arguments);
    }

    Run send(String script, Map<String, String> environment, String source, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script, hooks + source));
        command.addAll(List.of(arguments));
        return run(command, environment);
    }

    static void accepted(Run run) {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().startsWith("202 ") && run.output().contains("\"accepted\""), run.output());
    }

    static void refusedForItsSignature(Run run) {
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().startsWith("401 ") && run.output().contains("bad-signature"), run.output());
    }

    static String stripeEvent() {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"invoice.paid\",\"data\":{\"object\":{}}}";
    }

    @Test
    void stripesLibrarySignsADeliveryTheStripeSourceAccepts() throws Exception {
        accepted(send("stripe.mjs", "whsec_stripe_new", "stripe", stripeEvent()));
        refusedForItsSignature(send("stripe.mjs", "whsec_someone_else", "stripe", stripeEvent()));
    }

    @Test
    void theStandardWebhooksLibrarySignsADeliveryTheSourceAcceptsAndARetryIsARedelivery() throws Exception {
        String body = "{\"type\":\"contact.created\",\"data\":{\"email\":\"ada@example.com\"}}";
        Map<String, String> delivery = Map.of("SWITCHBOARD_WEBHOOK_SECRET", HubTestProfile.STANDARD_SECRET,
                "WEBHOOK_ID", "msg_" + UUID.randomUUID());
        accepted(send("standard-webhooks.mjs", delivery, "standard", body));
        Run retry = send("standard-webhooks.mjs", delivery, "standard", body);
        assertEquals(0, retry.exitCode(), retry.output());
        assertTrue(retry.output().startsWith("200 "), retry.output());
        refusedForItsSignature(send("standard-webhooks.mjs", "whsec_c29tZW9uZSBlbHNlJ3Mga2V5", "standard", body));
    }

    @Test
    void octokitSignsADeliveryTheGithubSourceAccepts() throws Exception {
        String push = "{\"ref\":\"refs/heads/main\",\"after\":\"" + UUID.randomUUID() + "\"}";
        accepted(send("github.mjs", HubTestProfile.GITHUB_SECRET, "github-json", "push", push));
        refusedForItsSignature(send("github.mjs", "not the secret", "github-json", "push", push));
    }
}
