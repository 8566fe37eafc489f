-- Accepted events waiting to be relayed onto the stream. An acceptance writes the event and its
-- row here in one transaction, and that commit is the acceptance: the broker is not part of it.
-- The relay (StreamRelay) takes rows in batches, sends their envelopes in one broker transaction,
-- and deletes them; a relay that dies between the two sends again, and the stream's idempotent
-- consumer skips the copy. No foreign key: the row lives for milliseconds, and the check would
-- be paid by every acceptance.
create table stream_outbox (
    seq      bigserial primary key,
    event_id uuid not null
);
