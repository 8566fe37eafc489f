package dev.switchboard.connect.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Template;

/**
 * A port's {@code url} with {@code {{path}}} placeholders, rendered so that no event value can send
 * the request, and the port's credentials with it, anywhere else. The scheme, host and port are
 * fixed by the configuration: a placeholder may stand only in the path, the query or the fragment.
 * Each value is percent-encoded as data of its part (everything but letters, digits and
 * {@code -._~}), so {@code /}, {@code ?}, {@code #}, {@code @}, {@code %2F} and line breaks stay
 * inside it. A value in the path may not be empty ({@code /contacts/} is another resource) nor
 * hold a dot segment ({@code ..}, {@code ../x}, {@code x\..}), which climbs out of the configured
 * path on a server that decodes before it normalizes.
 */
final class UrlTemplate {

    /** Scheme and authority, which the configuration alone decides; the rest starts at / ? or #. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)(https?://[^/?#]*)(.*)", Pattern.DOTALL);

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String origin;
    private final Template path;
    private final Template query;
    private final Template fragment;

    private UrlTemplate(String origin, Template path, Template query, Template fragment) {
        this.origin = origin;
        this.path = path;
        this.query = query;
        this.fragment = fragment;
    }

    /**
     * @throws IllegalArgumentException when the url is not http(s), or a placeholder stands before the
     *         path. The message never quotes the url: it may hold a token (a Slack webhook's path) or
     *         a password, and a setting's problem is logged and shown by readiness.
     */
    static UrlTemplate parse(String text) {
        Template.parse(text);
        Matcher parts = ORIGIN.matcher(text.trim());
        if (!parts.matches()) {
            throw new IllegalArgumentException("url must start with http:// or https:// and a host");
        }
        String origin = parts.group(1);
        if (origin.contains("{{")) {
            throw new IllegalArgumentException("url: a {{placeholder}} may stand in the path, query or fragment,"
                    + " never in the scheme, host or port");
        }
        try {
            if (new URI(origin + "/").getHost() == null) {
                throw new IllegalArgumentException("url has no host (a character such as @ in a password"
                        + " must be percent-encoded)");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URL: " + e.getReason() + " at character "
                    + (e.getIndex() + 1));
        }
        // A placeholder holds no / ? or #, so the configured text alone says where each part begins.
        String rest = parts.group(2);
        int hash = rest.indexOf('#');
        String beforeFragment = hash < 0 ? rest : rest.substring(0, hash);
        int question = beforeFragment.indexOf('?');
        return new UrlTemplate(origin,
                Template.parse(question < 0 ? beforeFragment : beforeFragment.substring(0, question)),
                question < 0 ? null : Template.parse(beforeFragment.substring(question + 1)),
                hash < 0 ? null : Template.parse(rest.substring(hash + 1)));
    }

    /**
     * @throws Template.TemplateException when a path is absent from the event or a value cannot
     *         stand in the path: a permanent error, the event will not change
     */
    URI render(EventDocument event) {
        String url = origin + path.render(event, UrlTemplate::pathValue)
                + (query == null ? "" : "?" + query.render(event, UrlTemplate::encode))
                + (fragment == null ? "" : "#" + fragment.render(event, UrlTemplate::encode));
        URI uri = URI.create(url);
        // What parse() guarantees, checked once more on what will be sent.
        if (!(uri.getScheme() + "://" + uri.getRawAuthority()).equalsIgnoreCase(origin)) {
            throw new Template.TemplateException("url rendered for another host: " + uri.getRawAuthority());
        }
        return uri;
    }

    private static String pathValue(String value) {
        if (value.isEmpty()) {
            throw new Template.TemplateException("url: a value in the path is empty, which would change the path");
        }
        // Encoded, ../ is data; but servers and proxies that decode %2F (or take \ for /) before
        // resolving dot segments (nginx passing a normalized path on, lenient servlet containers)
        // would climb out of the configured path with it. No identifier needs one.
        for (String segment : value.split("[/\\\\]", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new Template.TemplateException("url: a value in the path holds the dot segment '" + segment
                        + "', which would change the path");
            }
        }
        return encode(value);
    }

    /** Percent-encodes every UTF-8 byte but RFC 3986's unreserved characters. */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
