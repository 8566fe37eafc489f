package dev.switchboard.connect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.cloudevents.core.builder.CloudEventBuilder;

import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Json;
import dev.switchboard.core.Template;

/** Values rendered into a port's url stay inside their part of it: the host is the configuration's. */
class UrlTemplateTest {

    static EventDocument event(String value) throws JsonProcessingException {
        return EventDocument.of(CloudEventBuilder.v1().withId("1").withSource(URI.create("test")).withType("t")
                .withData("application/json", Json.MAPPER.writeValueAsBytes(Map.of("v", value)))
                .build());
    }

    static URI render(String template, String value) throws JsonProcessingException {
        return UrlTemplate.parse(template).render(event(value));
    }

    @Test
    void valuesThatTryToLeaveThePathAreEncodedIntoIt() throws Exception {
        String[] attacks = {"evil.com/", "@evil.com", "..%2F..%2Fadmin?", "%2F..%2Fadmin", "x?admin=1", "x#frag",
                "a\r\nHost: evil.com", "//evil.com", "a b", "é"};
        for (String attack : attacks) {
            URI uri = render("https://crm.example:8443/api/contacts/{{data.v}}/notes", attack);
            assertEquals("https", uri.getScheme(), attack);
            assertEquals("crm.example", uri.getHost(), attack);
            assertEquals(8443, uri.getPort(), attack);
            assertEquals(null, uri.getRawQuery(), attack);
            assertEquals(null, uri.getRawFragment(), attack);
            String segment = uri.getRawPath().substring("/api/contacts/".length(), uri.getRawPath().length() - "/notes".length());
            assertTrue(segment.matches("[A-Za-z0-9._~%-]+"), attack + " → " + uri);
            assertEquals(attack, java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8), attack);
        }
        assertEquals("/api/contacts/evil.com%2F..x%2Fadmin%3F/notes",
                render("https://crm.example:8443/api/contacts/{{data.v}}/notes", "evil.com/..x/admin?").getRawPath());
        assertEquals("/api/contacts/%252F..%252Fadmin/notes",
                render("https://crm.example:8443/api/contacts/{{data.v}}/notes", "%2F..%2Fadmin").getRawPath());
    }

    @Test
    void aQueryValueCannotAddParameters() throws Exception {
        URI uri = render("http://crm/search?q={{data.v}}&limit=5", "x&limit=1000&admin=true#");
        assertEquals("q=x%26limit%3D1000%26admin%3Dtrue%23&limit=5", uri.getRawQuery());
        assertEquals("crm", uri.getHost());
    }

    @Test
    void aPathValueThatIsEmptyOrHoldsADotSegmentIsRefused() {
        for (String value : new String[] {"", ".", "..", "../../admin?", "a/../b", "..\\admin", "x/.", "./x"}) {
            assertThrows(Template.TemplateException.class,
                    () -> render("http://crm/contacts/{{data.v}}", value), "'" + value + "'");
        }
    }

    @Test
    void aPlaceholderInTheSchemeHostOrPortIsRefusedWhenTheBindingLoads() {
        for (String url : new String[] {"https://{{data.v}}/x", "https://crm.{{data.v}}/x", "http://crm:{{data.v}}/",
                "{{data.v}}", "ftp://crm/{{data.v}}", "https://user:{{data.v}}@crm/"}) {
            assertThrows(IllegalArgumentException.class, () -> UrlTemplate.parse(url), url);
        }
    }

    @Test
    void aUrlThatCannotBeUsedIsRefusedWithoutQuotingIt() {
        // A refused setting is logged and shown by readiness: a token in the path, or a password,
        // must not go with it.
        for (String url : new String[] {"hooks.slack.com/services/T0/B0/SECRET-TOKEN", "https://ada:SECRET@pass@crm/x",
                "https://ada:SECRET pass@crm/x"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> UrlTemplate.parse(url), url);
            assertFalse(refused.getMessage().contains("SECRET"), refused.getMessage());
        }
    }

    @Test
    void aUrlWithoutPlaceholdersIsSentAsConfigured() throws Exception {
        assertEquals(URI.create("https://user:pw@hooks.example/services/T0/B0?x=1#f"),
                render("https://user:pw@hooks.example/services/T0/B0?x=1#f", "unused"));
    }
}
