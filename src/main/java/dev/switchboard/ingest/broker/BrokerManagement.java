package dev.switchboard.ingest.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Asks an Artemis broker for the address settings that apply to some addresses, with management
 * messages: a request to the management address naming the broker resource and the operation
 * {@code getAddressSettingsAsJSON}, answered on a temporary queue. Plain JMS, so it goes through
 * the hub's own connection factory and credentials, and needs no JMX or HTTP port on the broker.
 */
final class BrokerManagement {

    /** How long to wait for one answer: the broker answers at once unless it is unwell. */
    static final long REPLY_TIMEOUT_MS = 10_000;

    /** The broker refused the hub's user a permission the check needs; the message names it. */
    static final class NotPermitted extends RuntimeException {
        NotPermitted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private BrokerManagement() {
    }

    /** Each address's settings, as the broker merges them from every matching {@code address-setting}. */
    static Map<String, AddressSettings> addressSettings(ConnectionFactory factory, String managementAddress,
            List<String> addresses) {
        Map<String, AddressSettings> settings = new LinkedHashMap<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            TemporaryQueue replies;
            try {
                replies = context.createTemporaryQueue();
            } catch (JMSSecurityRuntimeException e) {
                throw new NotPermitted("the permission createNonDurableQueue (for the temporary queue the broker"
                        + " answers on) was refused: " + e.getMessage(), e);
            }
            try (JMSConsumer answers = context.createConsumer(replies)) {
                for (String address : addresses) {
                    Message request = context.createMessage();
                    JMSManagementHelper.putOperationInvocation(request, ResourceNames.BROKER,
                            "getAddressSettingsAsJSON", address);
                    try {
                        context.createProducer().setJMSReplyTo(replies)
                                .send(context.createQueue(managementAddress), request);
                    } catch (JMSSecurityRuntimeException e) {
                        throw new NotPermitted("the permission manage on " + managementAddress + " was refused: "
                                + e.getMessage(), e);
                    }
                    Message reply = answers.receive(REPLY_TIMEOUT_MS);
                    if (reply == null) {
                        throw new IllegalStateException("the broker did not answer on " + managementAddress + " within "
                                + REPLY_TIMEOUT_MS / 1000 + " s (is management-address set to another name?"
                                + " see switchboard.broker.management-address)");
                    }
                    Object result = JMSManagementHelper.getResult(reply, String.class);
                    if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                        if (String.valueOf(result).contains("AMQ229032")) {
                            // Artemis's "does not have permission" on the management operation itself
                            throw new NotPermitted("the permission manage on " + managementAddress + " was refused: "
                                    + result, null);
                        }
                        throw new IllegalStateException("the broker refused getAddressSettingsAsJSON(" + address + "): "
                                + result);
                    }
                    settings.put(address, AddressSettings.fromJSON((String) result));
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("management request failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unreadable management answer: " + e.getMessage(), e);
        }
        return settings;
    }
}
