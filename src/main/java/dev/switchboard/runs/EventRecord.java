package dev.switchboard.runs;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An accepted event as stored: its CloudEvent envelope and its state. */
@Entity
@Table(name = "event")
public class EventRecord extends PanacheEntityBase {

    @Id
    public UUID id;

    public String source;

    @Column(name = "delivery_id")
    public String deliveryId;

    public String type;

    public String subject;

    @Column(name = "received_at")
    public OffsetDateTime receivedAt;

    @Enumerated(EnumType.STRING)
    public EventState state;

    @Column(name = "processed_at")
    public OffsetDateTime processedAt;

    /** The whole CloudEvent, in its JSON form. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String envelope;
}
