package dev.switchboard.support;

import java.util.Map;
import java.util.Set;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * A real Artemis broker as an operator runs one beside the hub (an external broker, not the hub's
 * embedded one): the address settings the test gives it, security on, and two users: {@code admin},
 * who may do anything including management, and {@code app}, who may do anything but manage.
 */
public final class OperatorBroker implements AutoCloseable {

    public static final String PASSWORD = "operator-broker-test-password";

    /**
     * What {@code artemis create} writes into broker.xml for every address: dead letters to
     * {@code DLQ} after Artemis's default ten attempts, with no delay between them.
     */
    public static AddressSettings distributionDefaults() {
        return new AddressSettings().setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setRedeliveryDelay(0);
    }

    private final EmbeddedActiveMQ server;
    private final String url;

    private OperatorBroker(EmbeddedActiveMQ server, String url) {
        this.server = server;
        this.url = url;
    }

    /** @param settings address match → its settings, as broker.xml's {@code address-setting}s */
    public static OperatorBroker start(Map<String, AddressSettings> settings) throws Exception {
        String url = "tcp://127.0.0.1:" + HubProcess.freePort();
        Configuration configuration = new ConfigurationImpl().setName("operator-broker")
                .setPersistenceEnabled(false).setSecurityEnabled(true).setJMXManagementEnabled(false);
        configuration.addAcceptorConfiguration("tcp", url + "?protocols=CORE");
        settings.forEach(configuration::addAddressSetting);
        // As the distribution's broker.xml declares them: without a queue a dead letter would be dropped.
        for (String queue : new String[] {"DLQ", "ExpiryQueue"}) {
            configuration.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        configuration.putSecurityRoles("#", Set.of(role("admin", true), role("app", false)));
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser("admin", PASSWORD);
        users.addRole("admin", "admin");
        users.addUser("app", PASSWORD);
        users.addRole("app", "app");
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(configuration)
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        server.start();
        if (!server.getActiveMQServer().isActive()) {
            server.stop();
            throw new IllegalStateException("Test broker did not become active on " + url);
        }
        return new OperatorBroker(server, url);
    }

    public ConnectionFactory connectionFactory(String user) {
        return new ActiveMQConnectionFactory(url, user, PASSWORD);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static Role role(String name, boolean manage) {
        Role role = new Role();
        role.setName(name);
        role.setSend(true);
        role.setConsume(true);
        role.setBrowse(true);
        role.setCreateAddress(true);
        role.setDeleteAddress(true);
        role.setCreateDurableQueue(true);
        role.setDeleteDurableQueue(true);
        role.setCreateNonDurableQueue(true);
        role.setDeleteNonDurableQueue(true);
        role.setManage(manage);
        return role;
    }
}
