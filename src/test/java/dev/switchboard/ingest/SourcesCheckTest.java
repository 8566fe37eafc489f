package dev.switchboard.ingest;

import static dev.switchboard.support.ConfigChecks.sortedMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A webhook setting its signature scheme never reads is refused before anything starts: a
 * tolerance on an hmac-sha256 source, or a secret on an unsigned one, reads as a check nobody makes.
 */
class SourcesCheckTest {

    @Test
    void aSettingTheSignatureSchemeDoesNotReadIsRefusedNamingTheSchemesThatDo() {
        assertEquals(List.of(
                "Source 'github': signature github does not read 'signature-header'; only hmac-sha256 reads it:"
                        + " remove it or change the signature",
                "Source 'open': signature none does not read 'secrets'; only hmac-sha256, github, stripe,"
                        + " standard-webhooks read it: remove it or change the signature",
                "Source 'shop': signature hmac-sha256 does not read 'tolerance'; only stripe, standard-webhooks read"
                        + " it: remove it or change the signature"),
                sortedMessages(new SourcesCheck(), Map.ofEntries(
                        Map.entry("switchboard.sources.shop.kind", "webhook"),
                        Map.entry("switchboard.sources.shop.signature", "hmac-sha256"),
                        Map.entry("switchboard.sources.shop.secret", "s"),
                        Map.entry("switchboard.sources.shop.tolerance", "5m"),
                        Map.entry("switchboard.sources.github.kind", "webhook"),
                        Map.entry("switchboard.sources.github.signature", "github"),
                        Map.entry("switchboard.sources.github.secret", "s"),
                        Map.entry("switchboard.sources.github.signature-header", "X-Hub-Signature-256"),
                        Map.entry("switchboard.sources.open.kind", "webhook"),
                        Map.entry("switchboard.sources.open.signature", "none"),
                        Map.entry("switchboard.sources.open.secrets[0]", "s"))));
    }

    @Test
    void theSettingsEachSchemeReadsPass() {
        assertEquals(List.of(), sortedMessages(new SourcesCheck(), Map.ofEntries(
                Map.entry("switchboard.sources.shop.kind", "webhook"),
                Map.entry("switchboard.sources.shop.signature", "hmac-sha256"),
                Map.entry("switchboard.sources.shop.secrets[0]", "s"),
                Map.entry("switchboard.sources.shop.signature-header", "X-Shop-Signature"),
                Map.entry("switchboard.sources.shop.signature-prefix", "sha256="),
                Map.entry("switchboard.sources.shop.signature-encoding", "base64"),
                Map.entry("switchboard.sources.stripe.kind", "webhook"),
                Map.entry("switchboard.sources.stripe.signature", "stripe"),
                Map.entry("switchboard.sources.stripe.secret", "s"),
                Map.entry("switchboard.sources.stripe.tolerance", "10m"),
                Map.entry("switchboard.sources.hooks.kind", "webhook"),
                Map.entry("switchboard.sources.hooks.signature", "standard-webhooks"),
                Map.entry("switchboard.sources.hooks.secret", "whsec_c2VjcmV0"),
                Map.entry("switchboard.sources.hooks.tolerance", "1m"),
                Map.entry("switchboard.sources.open.kind", "webhook"),
                Map.entry("switchboard.sources.open.signature", "none"),
                Map.entry("switchboard.sources.open.max-body", "64K"))));
    }
}
