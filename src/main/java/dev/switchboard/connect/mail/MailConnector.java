package dev.switchboard.connect.mail;

import java.time.Duration;
import java.util.Set;
import java.util.Optional;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ProducerTemplate;

import dev.switchboard.connect.CamelSend;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.Template;

/**
 * Sends the action's body as a mail through an SMTP server, with camel-mail. Settings:
 * {@code host}, {@code port} (25), {@code protocol} (smtp or smtps), {@code username},
 * {@code password}, {@code from}, {@code to}, {@code cc} and {@code bcc} (comma-separated lists
 * whose items are templates that each render one address, see {@link Recipients}), {@code subject}
 * (a template that may not render a line break), {@code content-type} (text/plain). The
 * idempotency key is sent as the {@code Message-ID}.
 */
@ApplicationScoped
@Named("mail")
public class MailConnector implements Connector {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("host", "port", "protocol", "from", "to", "cc", "bcc", "subject", "username", "password", "content-type", "timeout");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    @Inject
    ProducerTemplate producer;

    @Override
    public void validate(PortSettings settings) {
        settings.require("host");
        settings.require("from");
        recipients(settings);
        Template.parse(settings.get("subject", "Switchboard"));
        String protocol = settings.get("protocol", "smtp");
        if (!protocol.equals("smtp") && !protocol.equals("smtps")) {
            throw new IllegalArgumentException("protocol must be smtp or smtps, not " + protocol);
        }
    }

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException {
        PortSettings settings = request.settings();
        StringBuilder uri = new StringBuilder(settings.get("protocol", "smtp")).append("://")
                .append(settings.require("host")).append(':').append(settings.get("port", "25"))
                // Camel's connectionTimeout bounds the connection and each read of the SMTP conversation.
                .append("?connectionTimeout=").append(settings.duration("timeout", DEFAULT_TIMEOUT).toMillis());
        settings.get("username").ifPresent(user -> uri.append("&username=RAW(").append(user).append(')'));
        settings.get("password").ifPresent(password -> uri.append("&password=RAW(").append(password).append(')'));
        Map<String, Object> headers = new HashMap<>();
        headers.put("From", settings.require("from"));
        for (Map.Entry<String, Recipients> recipients : recipients(settings).entrySet()) {
            headers.put(recipients.getKey(), recipients.getValue().render(request.event()));
        }
        String subject = Template.parse(settings.get("subject", "Switchboard")).render(request.event());
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            throw new ConnectorException("subject renders a line break, which could add a mail header", true);
        }
        headers.put("Subject", subject);
        headers.put("Content-Type", settings.get("content-type", "text/plain"));
        headers.put("Message-ID", "<" + request.idempotencyKey() + "@switchboard>");
        Throwable error = CamelSend.inOnly(producer, uri.toString(), request.body(), headers);
        if (error != null) {
            // An address the server refuses will be refused again: everything else may pass later.
            boolean permanent = error instanceof jakarta.mail.internet.AddressException
                    || error.getCause() instanceof jakarta.mail.SendFailedException;
            throw new ConnectorException("Mail via " + settings.require("host") + " failed: " + error.getMessage(),
                    permanent, null, null, error);
        }
        return Delivery.DONE;
    }

    /** The server and the recipients rendered for the event, or why they cannot be rendered. */
    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        StringBuilder target = new StringBuilder("mail via ").append(settings.require("host"));
        try {
            for (Map.Entry<String, Recipients> recipients : recipients(settings).entrySet()) {
                target.append(", ").append(recipients.getKey()).append(": ")
                        .append(String.join(", ", recipients.getValue().render(event)));
            }
            return Optional.of(target.toString());
        } catch (ConnectorException | RuntimeException e) {
            return Optional.of(target + " (recipients cannot be rendered: " + e.getMessage() + ")");
        }
    }

    /** The recipient headers camel-mail knows, from the settings present: {@code to} always. */
    private static Map<String, Recipients> recipients(PortSettings settings) {
        Map<String, Recipients> headers = new LinkedHashMap<>();
        headers.put("To", Recipients.parse("to", settings.require("to")));
        settings.get("cc").ifPresent(cc -> headers.put("Cc", Recipients.parse("cc", cc)));
        settings.get("bcc").ifPresent(bcc -> headers.put("Bcc", Recipients.parse("bcc", bcc)));
        return headers;
    }
}
