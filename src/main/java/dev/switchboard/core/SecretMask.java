package dev.switchboard.core;

import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a setting or a message people may see. Secrets hide in more places than settings named
 * {@code password}: a webhook URL is itself the credential (Slack's token is its path), URLs carry
 * {@code user:pass@} and {@code ?token=}, and downstream errors quote the URL they called. So a URL
 * is shown as its scheme, host, port and first path segment only
 * ({@code https://hooks.slack.com/services/***}), that segment too when it does not read as a name
 * ({@code https://api.telegram.org/***}), wherever it appears; a setting named like a
 * secret is not shown at all; and a message about a port has that port's secret values cut out.
 * Every place that shows or stores settings or errors goes through here, so there is one rule.
 */
public final class SecretMask {

    public static final String MASK = "***";

    /**
     * A path segment that reads as a name (services, api, v2, orders: a letter first, at most 24
     * characters, at most 3 digits) or is a template's placeholder, not as a token: shown.
     */
    private static final Pattern PATH_NAME = Pattern.compile(
            "(?=(?:[^0-9]*[0-9]){0,3}[^0-9]*$)[A-Za-z][A-Za-z0-9._-]{0,23}|\\{\\{[^{}]*}}");

    /**
     * Settings whose whole value is a secret: {@code password}, {@code token}, {@code headers.X-Api-Key},
     * {@code headers.Cookie}, {@code headers.X-Auth}, a Kamelet's {@code saslJaasConfig}, ...
     */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|token|secret|key|authorization|x-auth|credential|cookie|jaas).*");

    /**
     * A secret given as {@code name=value} inside a longer value or message: a connection string
     * ({@code Endpoint=sb://host;SharedAccessKey=...}), a JAAS line ({@code password="..."}). The
     * value is masked from the name's secret word on. The name's rest is bounded and every part
     * possessive: tried at each of 16,000 "key-" in a row, it stays linear.
     */
    private static final Pattern KEYED_SECRET = Pattern.compile(
            "(?i)((?:password|passwd|secret|token|key|credential)[A-Za-z0-9_.-]{0,40}+\\s{0,8}+=\\s*+)"
                    + "(?:\"[^\"]*+\"|'[^']*+'|[^;&,\\s\"'}\\])]++)");

    /**
     * A URL, alone or inside a message: scheme (also {@code jdbc:postgresql}), authority, path,
     * query, fragment. It ends where a message's words do: at white space, a quote or a bracket.
     * A scheme starts only where a word does, and no part gives back what it took: masking a
     * 64 KB response stays linear instead of retrying a scheme at every character.
     */
    private static final Pattern URL = Pattern.compile(
            "(?<![A-Za-z0-9+.:-])(?<scheme>[A-Za-z][A-Za-z0-9+.-]*+(?::[A-Za-z][A-Za-z0-9+.-]*+)*+://)"
                    + "(?<authority>[^/?#\\s\"'<>]*+)(?<path>[^?#\\s\"'<>]*+)(?<query>\\?[^#\\s\"'<>]*+)?"
                    + "(?<fragment>#[^\\s\"'<>]*+)?");

    /**
     * A Camel endpoint without {@code //} ({@code jms:queue:orders?password=...}), as Camel's errors
     * and route descriptions quote one: its options are masked as a URL's query is, since Camel
     * masks only the options it knows are secret, spelt right.
     */
    private static final Pattern ENDPOINT_OPTIONS = Pattern.compile(
            "(?<![A-Za-z0-9+.:-])([A-Za-z][A-Za-z0-9+.-]*+:[^\\s\"'<>?\\[\\]]*+)\\?[^\\s\"'<>\\]#]*+");

    /** Camel's list of the options an endpoint did not take ({@code Unknown parameters=[{pasword=x}]}): names kept. */
    private static final Pattern UNKNOWN_OPTIONS = Pattern.compile("(?<=Unknown parameters=\\[\\{)[^\\]}]*+(?=\\}\\])");
    private static final Pattern OPTION_VALUE = Pattern.compile("=[^,}]*+");

    /** A query string in a value that is not a URL ({@code /path?token=abc}). */
    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>=]*+=");

    /**
     * Secret values shorter than this are not cut out of messages: three characters are no secret,
     * and cutting out every "1" or "on" would garble the message that says what failed.
     */
    private static final int SHORTEST_SECRET = 4;

    private SecretMask() {
    }

    /** True for a setting whose value is a credential as a whole. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** A setting's value as anyone may see it. */
    public static String setting(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        String shown = urls(value);
        Matcher query = QUERY.matcher(shown);
        return query.find() ? shown.substring(0, query.start()) + "?" + MASK : shown;
    }

    /**
     * A message that may quote a port's settings (an error, a response excerpt) as anyone may see
     * it: the values of the settings named like secrets cut out, and every URL masked.
     */
    public static String text(String text, Map<String, String> settings) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : settings.entrySet().stream()
                .filter(setting -> isSecretKey(setting.getKey()) && setting.getValue() != null)
                .map(setting -> setting.getValue().trim())
                .filter(value -> value.length() >= SHORTEST_SECRET)
                // the longest first, so that a secret containing another is cut out whole
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList()) {
            masked = masked.replace(secret, MASK);
        }
        return urls(masked);
    }

    /** A message with every URL in it masked. */
    public static String text(String text) {
        return text(text, Map.of());
    }

    private static String urls(String text) {
        Matcher url = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (url.find()) {
            url.appendReplacement(out, Matcher.quoteReplacement(url(url)));
        }
        url.appendTail(out);
        String endpoints = ENDPOINT_OPTIONS.matcher(out).replaceAll(
                endpoint -> Matcher.quoteReplacement(endpoint.group(1) + "?" + MASK));
        String options = UNKNOWN_OPTIONS.matcher(endpoints).replaceAll(
                unknown -> Matcher.quoteReplacement(OPTION_VALUE.matcher(unknown.group()).replaceAll("=" + MASK)));
        return KEYED_SECRET.matcher(options).replaceAll(keyed -> Matcher.quoteReplacement(keyed.group(1) + MASK));
    }

    private static String url(Matcher url) {
        String authority = url.group("authority");
        int at = authority.lastIndexOf('@');
        String path = url.group("path");
        // Keep the first segment when it reads as a name (it says which API was called); what
        // follows may be a token, and so may the first segment itself (Telegram's /bot<token>/...).
        int second = path.indexOf('/', 1);
        String first = path.length() <= 1 ? "" : path.substring(1, second < 0 ? path.length() : second);
        String shownPath = path.length() <= 1 ? path
                : !PATH_NAME.matcher(first).matches() ? "/" + MASK
                : second < 0 || second == path.length() - 1 ? path : path.substring(0, second + 1) + MASK;
        return url.group("scheme") + (at < 0 ? authority : MASK + "@" + authority.substring(at + 1)) + shownPath
                + (url.group("query") == null ? "" : "?" + MASK) + (url.group("fragment") == null ? "" : "#" + MASK);
    }
}
