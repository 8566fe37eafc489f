package dev.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What of a setting or a message people see: URLs cut to scheme, host and first path segment, secrets cut out. */
class SecretMaskTest {

    @Test
    void aUrlShowsItsSchemeHostPortAndFirstPathSegmentOnly() {
        assertEquals("https://hooks.slack.com/services/***",
                SecretMask.setting("url", "https://hooks.slack.com/services/T000/B000/XXXXXXXX"));
        assertEquals("https://***@host:8443/path?***", SecretMask.setting("url", "https://user:pass@host:8443/path?token=abc"));
        assertEquals("http://127.0.0.1:9/crm", SecretMask.setting("url", "http://127.0.0.1:9/crm"));
        assertEquals("http://crm/{{type}}", SecretMask.setting("url", "http://crm/{{type}}"));
        // A first segment that does not read as a name may be the token itself.
        assertEquals("https://api.telegram.org/***",
                SecretMask.setting("url", "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"));
        assertEquals("https://hooks.example.com/***", SecretMask.setting("url", "https://hooks.example.com/f3a9c2e71b0d44e8"));
        assertEquals("https://api.example.com/v2/***", SecretMask.setting("url", "https://api.example.com/v2/orders/17"));
        assertEquals("https://hooks.slack.com/***", SecretMask.setting("url", "https://hooks.slack.com//T000/B000/XXXXXXXX"),
                "an empty first segment (a base URL and a path joined) is no name");
        assertEquals("http://crm/?***#***", SecretMask.setting("url", "http://crm/?a=b#frag"));
        assertEquals("jdbc:postgresql://db:5432/crm?***",
                SecretMask.setting("jdbc-url", "jdbc:postgresql://db:5432/crm?user=crm&password=hunter22"));
    }

    @Test
    void aSettingNamedLikeASecretIsNotShownAtAll() {
        for (String key : new String[] {"password", "token", "headers.X-Api-Key", "headers.Authorization",
                "properties.clientSecret", "credentials", "headers.Cookie", "headers.X-Auth",
                "properties.saslJaasConfig"}) {
            assertEquals("***", SecretMask.setting(key, "anything"), key);
        }
        assertEquals("POST", SecretMask.setting("method", "POST"));
    }

    @Test
    void aSecretWrittenAsNameEqualsValueInsideAValueIsMasked() {
        assertEquals("Endpoint=sb://ns.servicebus.windows.net;SharedAccessKeyName=***;SharedAccessKey=***",
                SecretMask.setting("properties.connectionString", "Endpoint=sb://ns.servicebus.windows.net;"
                        + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0LWtleQ=="));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=***;",
                SecretMask.text("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\""
                        + " password=\"hunter22\";"));
        assertEquals("login failed (token=***, user=bob)", SecretMask.text("login failed (token=abc123, user=bob)"));
        // A database's own words are not a secret: nothing follows "Key" but its columns.
        assertEquals("Key (delivery_id)=(ord-1) already exists.", SecretMask.text("Key (delivery_id)=(ord-1) already exists."));
    }

    @Test
    void aQueryStringOutsideAUrlIsMaskedToo() {
        assertEquals("/reports?***", SecretMask.setting("properties.path", "/reports?api_key=abc"));
        assertEquals("orders?", SecretMask.setting("properties.name", "orders?"));
    }

    @Test
    void aCamelEndpointQuotedInAnErrorLosesItsOptionsWhicheverWayTheyAreSpelt() {
        // As Camel describes a route it refused: a misspelt option is quoted as it was written.
        assertEquals("Failed to create route: From[jms:queue:orders?***] ... jms://queue:orders?***",
                SecretMask.text("Failed to create route: From[jms:queue:orders?pasword=HUNTER2&username=someone]"
                        + " ... jms://queue:orders?pasword=HUNTER2"));
        assertEquals("at 10:00:00? no endpoint here", SecretMask.text("at 10:00:00? no endpoint here"));
        assertEquals("Unknown parameters=[{pasword=***, size=***}]",
                SecretMask.text("Unknown parameters=[{pasword=HUNTER2, size=10}]"));
    }

    @Test
    void aMessageLosesThePortsSecretValuesAndEveryUrlsCredentials() {
        Map<String, String> settings = Map.of("url", "https://user:pass@host/path?token=abc", "token", "bearer-xyz",
                "method", "POST", "properties.key", "on");
        String message = SecretMask.text("HTTP 500 from https://user:pass@host/path/deeper?token=abc: echoed"
                + " 'Authorization: Bearer bearer-xyz' (method POST, key on)", settings);
        assertEquals("HTTP 500 from https://***@host/path/***?*** echoed 'Authorization: Bearer ***' (method POST, key on)",
                message);
        assertFalse(message.contains("pass") || message.contains("abc"), message);
        assertEquals(null, SecretMask.text(null, settings));
    }

    @Test
    void aLargeResponseIsMaskedInLinearTime() {
        // 64 KB is what a connector reads of a response; a pattern retried at every character took minutes.
        String letters = "x".repeat(64 * 1024);
        String words = "word:".repeat(13 * 1024) + " https://user:pass@host/a/b";
        String keys = "key-".repeat(16 * 1024);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertEquals(letters, SecretMask.text(letters, Map.of("token", "secret-value")));
            assertTrue(SecretMask.text(words).endsWith(" https://***@host/a/***"));
            assertEquals(keys, SecretMask.text(keys));
        });
    }
}
