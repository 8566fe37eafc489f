package dev.switchboard.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import dev.switchboard.ingest.signature.HmacSignatureVerifier;

/** {@code switchboard.sources.<name>.*}: where events come from and how they are verified. */
@ConfigMapping(prefix = "switchboard")
public interface SourcesConfig {

    Map<String, Source> sources();

    interface Source {

        /**
         * {@code webhook} ({@code POST /hooks/<name>}), {@code queue} (a broker address) or {@code cdc}
         * (Debezium). Required: a guessed kind would open a door nobody meant to open.
         */
        Kind kind();

        /** Webhooks: required, {@code none} included, so that no source is unsigned by omission. */
        Optional<SignatureScheme> signature();

        /** The signing secret; or {@link #secrets()} to accept several while rotating. */
        Optional<String> secret();

        Optional<List<String>> secrets();

        /** hmac-sha256 only: the header holding the signature. */
        @WithDefault("X-Signature")
        String signatureHeader();

        /** hmac-sha256 only: text before the signature in its header, such as {@code sha256=}. */
        Optional<String> signaturePrefix();

        /** hmac-sha256 only: hex or base64. */
        @WithDefault("hex")
        HmacSignatureVerifier.Encoding signatureEncoding();

        /** stripe and standard-webhooks: how far a signed timestamp may be from the receiver's clock. */
        @WithDefault("5m")
        Duration tolerance();

        /**
         * Webhooks: {@code header:<name>} or {@code jsonpath:<path>}, the default depending on the
         * signature scheme. Queues: {@code property:<name>} or {@code jsonpath:<path>}, by default the message id.
         */
        Optional<String> eventId();

        /** {@code header:<name>} (webhooks), {@code property:<name>} (queues), {@code jsonpath:<path>} or a literal type. */
        Optional<String> eventType();

        /**
         * The largest body accepted, in Quarkus's size form ({@code 512K}, {@code 1M}, bytes): a
         * webhook's is answered 413, a queue message's refused by the embedded broker or parked.
         */
        @WithDefault("1M")
        @WithConverter(MemorySizeConverter.class) // named, so a mapping built outside Quarkus reads it too
        MemorySize maxBody();

        /** The media type the source sends; JSON types are parsed and must be well-formed. */
        @WithDefault("application/json")
        String contentType();

        /** Queues: the broker address consumed; required. */
        Optional<String> address();

        /** Queues: a {@code queue} (anycast) or a {@code topic} (multicast, read through a shared durable subscription). */
        @WithDefault("queue")
        Destination destination();

        /** Queues, topic only: the durable subscription's name, {@code switchboard.<name>} by default. */
        Optional<String> subscription();

        /** Queues: where unreadable messages go, with the reason; {@code <address>.parked} by default. */
        Optional<String> parkedAddress();

        /** Queues: concurrent consumers of the address in this replica. */
        @WithDefault("1")
        int consumers();

        /**
         * Queues on the embedded broker: the password of the broker user named after the source,
         * the only user besides the hub that may send to its address. Without it one is generated
         * on first start into {@code data/artemis.<source>.password}.
         */
        Optional<String> publisherPassword();

        /** cdc only: a {@code switchboard.datasources} entry to capture; absent = the hub's own database. */
        Optional<String> database();

        /** cdc only: the captured tables, {@code schema.table}. */
        Optional<List<String>> tables();

        /** cdc only: the replication slot; default {@code switchboard_<name>}. */
        Optional<String> slot();

        /** cdc only: the publication; default {@code switchboard_<name>}. */
        Optional<String> publication();

        /** cdc only: the logical decoding plugin. */
        @WithDefault("pgoutput")
        String pluginName();

        /** cdc only: Debezium's snapshot mode; {@code no_data} captures changes from the first start on. */
        @WithDefault("no_data")
        String snapshotMode();
    }

    enum Destination {
        QUEUE,
        TOPIC
    }

    enum Kind {
        WEBHOOK,
        QUEUE,
        CDC
    }

    enum SignatureScheme {
        NONE,
        HMAC_SHA256,
        GITHUB,
        STRIPE,
        STANDARD_WEBHOOKS
    }
}
