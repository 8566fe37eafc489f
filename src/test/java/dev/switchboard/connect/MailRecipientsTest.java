package dev.switchboard.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubProcess;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A mail port's recipients are exactly the addresses its templates render, one each: an event
 * value that adds a recipient or a header fails its run for good, and nobody gets that mail.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class MailRecipientsTest {

    static GreenMail smtp;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeAll
    static void startSmtp() {
        smtp = new GreenMail(new ServerSetup(HubProcess.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void bindings() {
        Workspace.bindPort("guarded-mail", Map.of("connector", "mail", "host", "127.0.0.1",
                "port", Integer.toString(smtp.getSmtp().getPort()), "from", "hub@switchboard.test",
                "to", "{{data.email}}", "bcc", "audit@corp.test", "subject", "Order {{data.order}}"));
        Workspace.writeRule("mail-recipients.yaml", """
                rules:
                  - id: guarded-mail
                    on: guarded.mail
                    actions: [{id: send, port: guarded-mail, body: 'Your order {{data.order}} is confirmed.'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    /** Sends a mail event with these values; returns the run once it ended. */
    UUID send(String email, String order) {
        UUID event = Events.post("guarded.mail", "\"email\": " + json(email) + ", \"order\": " + json(order));
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        return Events.runOf(dataSource, event);
    }

    static String json(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    /** The copies delivered for this order: one per envelope recipient. */
    static List<MimeMessage> mailsFor(String order) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return String.valueOf(message.getContent()).contains(order);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void theRenderedAddressAndTheConfiguredOnesGetTheMailAndNobodyElse() throws Exception {
        String order = "ok-" + UUID.randomUUID();
        UUID run = send("Ada Lovelace <ada@shop.test>", order);
        assertEquals("SUCCEEDED", HubState.text(dataSource, "select state from action_run where id = ?", run),
                HubState.text(dataSource, "select last_error from action_run where id = ?", run));
        // GreenMail delivers one copy per envelope recipient, each into that recipient's mailbox.
        assertEquals(2, mailsFor(order).size(), "one copy for the rendered address, one for the configured bcc");
        assertTrue(smtp.getUserManager().getUserByEmail("ada@shop.test") != null);
        assertTrue(smtp.getUserManager().getUserByEmail("audit@corp.test") != null);
        MimeMessage mail = mailsFor(order).get(0);
        assertEquals(List.of("Ada Lovelace <ada@shop.test>"), Arrays.stream(mail.getRecipients(
                MimeMessage.RecipientType.TO)).map(Address::toString).toList());
        assertEquals(null, mail.getRecipients(MimeMessage.RecipientType.CC));
        assertEquals("Order " + order, mail.getSubject());
    }

    @Test
    void anInjectedRecipientOrHeaderFailsTheRunForGoodAndNobodyGetsTheMail() throws Exception {
        Map<String, String[]> attacks = Map.of(
                "a second recipient", new String[] {"victim@shop.test,thief@evil.test", "an order"},
                "a second recipient after ;", new String[] {"victim@shop.test;thief@evil.test", "an order"},
                "a group", new String[] {"all: victim@shop.test, thief@evil.test;", "an order"},
                "a Bcc header", new String[] {"victim@shop.test\r\nBcc: thief@evil.test", "an order"},
                "a header after a bare line feed", new String[] {"victim@shop.test\nCc: thief@evil.test", "an order"},
                "a header in the subject", new String[] {"victim@shop.test", "1\r\nBcc: thief@evil.test"},
                "no address", new String[] {"thief at evil", "an order"});
        for (Map.Entry<String, String[]> attack : attacks.entrySet()) {
            String order = attack.getValue()[1] + " " + UUID.randomUUID();
            UUID run = send(attack.getValue()[0], order);
            String reason = HubState.text(dataSource, "select last_error from action_run where id = ?", run);
            assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?", run),
                    attack.getKey());
            assertEquals(1, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run),
                    attack.getKey() + ": not retried");
            assertTrue(reason.startsWith("to item '{{data.email}}' ") || reason.startsWith("subject renders"),
                    attack.getKey() + ": " + reason);
            assertEquals(List.of(), mailsFor(order), attack.getKey() + ": nobody got that mail");
        }
        assertEquals(null, smtp.getUserManager().getUserByEmail("thief@evil.test"), "no mailbox: nothing was delivered to the thief");
        assertEquals(null, smtp.getUserManager().getUserByEmail("victim@shop.test"), "nor to the intended recipient");
        assertEquals(0, smtp.getReceivedMessagesForDomain("evil.test").length, "no mail names the thief");
    }
}
