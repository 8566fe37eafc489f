-- The overview's health tables run at every refresh; these keep their lookups to an index range
-- instead of a scan of the whole table. A source's events need none of their own: they are found
-- through event_source_type, and an index on event would be paid by every accepted event
-- (bench/steps.md, step 15).
-- Attempts in a recent window (also the charts' "last day" queries, which had no index on it).
create index action_attempt_started on action_attempt (started_at);
-- A port's last success, and whether it was ever called.
create index action_run_port_state on action_run (port, state, updated_at);
