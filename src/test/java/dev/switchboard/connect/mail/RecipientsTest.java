package dev.switchboard.connect.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cloudevents.core.builder.CloudEventBuilder;

import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Json;

/** Each configured recipient item renders exactly one address, or the attempt fails for good. */
class RecipientsTest {

    static List<String> render(String setting, String email) throws Exception {
        EventDocument event = EventDocument.of(CloudEventBuilder.v1().withId("1").withSource(URI.create("test"))
                .withType("t").withData("application/json",
                        Json.MAPPER.writeValueAsBytes(Map.of("email", email))).build());
        return Recipients.parse("to", setting).render(event);
    }

    @Test
    void theConfiguredListIsSplitAndEachItemRendersOneAddress() throws Exception {
        assertEquals(List.of("ops@corp.example", "ada@example.com"),
                render("ops@corp.example, {{data.email}}", "ada@example.com"));
        assertEquals(List.of("=?UTF-8?B?QWRhIEzDtnZlbGFjZQ==?= <ada@example.com>"),
                render("{{data.email}}", "Ada Lövelace <ada@example.com>"));
    }

    @Test
    void aValueWithAnotherRecipientOrAHeaderIsRefusedForGood() {
        String[] attacks = {"a@x.example,thief@evil.example", "a@x.example;thief@evil.example",
                "a@x.example\r\nBcc: thief@evil.example", "a@x.example\nBcc: thief@evil.example",
                "Team: a@x.example, thief@evil.example;", "not an address", "", "\"a,b\"@x.example",
                "=?UTF-8?B?eA0KQmNjOiB0aGllZkBldmlsLmV4YW1wbGU=?= <a@x.example>"};
        for (String attack : attacks) {
            ConnectorException refused = assertThrows(ConnectorException.class, () -> render("{{data.email}}", attack),
                    attack);
            assertTrue(refused.permanent(), attack);
            assertTrue(refused.getMessage().startsWith("to item '{{data.email}}' "), refused.getMessage());
        }
    }

    @Test
    void anEmptyItemInTheConfigurationIsRefusedWhenTheBindingLoads() {
        assertThrows(IllegalArgumentException.class, () -> Recipients.parse("to", "a@x.example,,b@x.example"));
    }
}
