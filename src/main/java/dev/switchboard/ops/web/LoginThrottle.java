package dev.switchboard.ops.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.net.SocketAddress;

/**
 * Failed sign-ins in this replica, per client and per user name: the form login and HTTP Basic
 * alike. A client with {@code switchboard.web.login.client-failures} failures within the window is
 * refused, and so is a user name with {@code user-failures}, until enough of them are older.
 * Successful sign-ins are not counted and clear nothing.
 */
@ApplicationScoped
public class LoginThrottle {

    private final FailureCounts clients;
    private final FailureCounts users;

    @Inject
    public LoginThrottle(WebConfig config) {
        this(config.login(), Clock.systemUTC());
    }

    LoginThrottle(WebConfig.Login login, Clock clock) {
        this.clients = new FailureCounts(login.clientFailures(), login.window(), clock);
        this.users = new FailureCounts(login.userFailures(), login.window(), clock);
    }

    /** How long a sign-in from {@code client} as {@code user} is refused, if it is. */
    public Optional<Duration> refusal(String client, String user) {
        return Stream.of(clients.refusal(client), users.refusal(userKey(user))).flatMap(Optional::stream)
                .max(Duration::compareTo);
    }

    public void failed(String client, String user) {
        clients.add(client);
        users.add(userKey(user));
    }

    /**
     * The client an address stands for: an IPv4 address, or the /64 network of an IPv6 address (one
     * host usually holds all of a /64, and could otherwise change address at every guess). Behind a
     * proxy it is the proxy's address unless forwarding is configured (see the security guide).
     */
    public static String client(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return "(unknown)";
        }
        String host = address.hostAddress();
        if (!host.contains(":")) {
            return host; // IPv4
        }
        try {
            // An IPv6 literal: parsed, never looked up.
            InetAddress parsed = InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]");
            byte[] bytes = parsed.getAddress();
            if (bytes.length == 4) {
                return parsed.getHostAddress(); // IPv4 written as IPv6 (::ffff:192.0.2.1)
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(String.format("%02x%02x:", bytes[i], bytes[i + 1]));
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException unreadable) {
            return host;
        }
    }

    /** User names are matched as typed, except for case, so that "Operator" counts with "operator". */
    private static String userKey(String user) {
        return user == null ? "" : user.toLowerCase(Locale.ROOT);
    }
}
