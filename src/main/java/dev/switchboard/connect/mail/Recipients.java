package dev.switchboard.connect.mail;

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;

import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.Template;

/**
 * A recipient setting ({@code to}, {@code cc}, {@code bcc}): a comma-separated list in the
 * configuration, each item a template that must render exactly one address. The list is split in
 * the configured text, never in what an event put there, so an event value such as
 * {@code a@x,thief@evil} or one with a line break and a {@code Bcc:} header is refused instead of
 * adding a recipient: a permanent failure, since the event will not change.
 *
 * <p>camel-mail splits a recipient header again on {@code ,} and {@code ;} outside double quotes
 * (without minding escaped quotes); so what it receives is each address bare, with a display name
 * only as an RFC 2047 encoded word, in which neither can occur.
 */
final class Recipients {

    private final String setting;
    private final List<Template> items;

    private Recipients(String setting, List<Template> items) {
        this.setting = setting;
        this.items = items;
    }

    /** @throws IllegalArgumentException when an item is empty or not a template */
    static Recipients parse(String setting, String text) {
        List<Template> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                throw new IllegalArgumentException(setting + " has an empty item in '" + text + "'");
            }
            items.add(Template.parse(item.trim()));
        }
        return new Recipients(setting, List.copyOf(items));
    }

    /** The addresses as camel-mail should receive them, one list entry per address. */
    List<String> render(EventDocument event) throws ConnectorException {
        List<String> addresses = new ArrayList<>(items.size());
        for (Template item : items) {
            addresses.add(address(item, item.render(event)));
        }
        return addresses;
    }

    private String address(Template item, String rendered) throws ConnectorException {
        // The configured item, not the value, goes into the reason: the value is the sender's to choose.
        String which = setting + " item '" + item.text() + "'";
        if (rendered.indexOf('\r') >= 0 || rendered.indexOf('\n') >= 0) {
            throw refused(which + " renders a line break, which could add a mail header");
        }
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parse(rendered, true);
        } catch (AddressException e) {
            throw refused(which + " does not render a valid address: " + e.getMessage());
        }
        if (parsed.length != 1) {
            throw refused(which + " renders " + parsed.length + " addresses where one was expected");
        }
        InternetAddress address = parsed[0];
        try {
            address.validate();
        } catch (AddressException e) {
            throw refused(which + " does not render a valid address: " + e.getMessage());
        }
        String bare = address.getAddress();
        if (address.isGroup() || bare.chars().anyMatch(c -> c <= ' ' || ",;\"\\<>()".indexOf(c) >= 0)) {
            throw refused(which + " renders an address this connector does not send to (a group, or quoting)");
        }
        String name = address.getPersonal();
        if (name == null) {
            return bare;
        }
        // A display name decodes from an encoded word, which can hold line breaks of its own.
        if (name.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw refused(which + " renders a display name with a control character, which could add a mail header");
        }
        try {
            return MimeUtility.encodeWord(name, "UTF-8", "B") + " <" + bare + ">";
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConnectorException refused(String reason) {
        return new ConnectorException(reason, true);
    }
}
