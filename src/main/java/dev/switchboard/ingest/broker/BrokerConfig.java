package dev.switchboard.ingest.broker;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code switchboard.broker.*}: what the hub asks of an external broker's address settings. The
 * embedded broker is configured by the hub itself and is not checked.
 */
@ConfigMapping(prefix = "switchboard.broker")
public interface BrokerConfig {

    /**
     * Whether the hub reads, through the broker's management address, the address settings of the
     * stream and of every queue source at startup, and refuses to start when a database outage would
     * send their messages to a dead-letter address. Off, nothing is read: the hub warns once, and
     * {@code /api/parked} lists only the hub's own parking addresses.
     */
    @WithDefault("true")
    boolean checkAddressSettings();

    /**
     * The longest database outage the broker must keep redelivering through: an address with a
     * bounded {@code max-delivery-attempts} passes only if its redelivery delays add up to this.
     * Unlimited attempts ({@code -1}) with a delay always pass.
     */
    @WithDefault("1h")
    Duration outlastOutage();

    /** The broker's management address ({@code management-address} in its broker.xml). */
    @WithDefault("activemq.management")
    String managementAddress();
}
