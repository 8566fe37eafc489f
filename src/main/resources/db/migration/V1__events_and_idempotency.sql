-- Accepted events. The id is derived from (source, delivery id), so it doubles as the
-- uniqueness of a delivery; the envelope is the CloudEvent as published to the stream.
create table event (
    id           uuid primary key,
    source       text        not null,
    delivery_id  text        not null,
    type         text        not null,
    subject      text,
    received_at  timestamptz not null,
    state        text        not null,
    processed_at timestamptz,
    envelope     jsonb       not null
);
create index event_received_at on event (received_at);
create index event_source_type on event (source, type);
create index event_state on event (state);

-- Keys of Camel's idempotent consumers, one scope per processor (ingest, stream, ...).
create table idempotency_key (
    processor  text        not null,
    key        text        not null,
    created_at timestamptz not null default now(),
    primary key (processor, key)
);
create index idempotency_key_created_at on idempotency_key (created_at);
