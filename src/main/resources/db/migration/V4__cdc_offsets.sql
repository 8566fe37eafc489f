-- Where each CDC source's Debezium engine keeps its offset (JdbcOffsetStore): the position in the
-- captured database's log up to which changes have been accepted onto the stream. Shared by every
-- replica, so the one that takes over a source resumes where the last leader stopped.
create table cdc_offset (
    offset_key   bytea primary key,    -- Debezium's key (JSON): the engine, i.e. the source, and its server
    offset_value bytea,                -- Debezium's offset (JSON): lsn, txId, ...
    updated_at   timestamptz not null default now()
);
