package dev.switchboard.ingest;

import java.util.Map;
import java.util.TreeMap;

/** A webhook as received: the exact bytes of its body and its headers, looked up without case. */
public record WebhookRequest(String source, Map<String, String> headers, byte[] body) {

    public WebhookRequest {
        TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        headers = caseInsensitive;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
