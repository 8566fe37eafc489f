-- Walks through many events (backtests, exports, bulk reprocessing) page by page in the order
-- (received_at, id): with the id in the index, a page starts where the last ended, however many
-- events share a received_at (a batch accepted in one transaction shares its clock).
create index event_received_at_id on event (received_at, id);
drop index event_received_at;
