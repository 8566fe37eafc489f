-- A run whose port is not bound waits for its binding instead of dying: it stays PENDING with no
-- next attempt time (so no claim ever looks at it), with the time it began waiting here and the
-- reason as its last error. It is due again as soon as its port is bound, and goes DEAD only when
-- an operator discards it or it has waited longer than switchboard.runs.unbound-grace.
alter table action_run add column unbound_since timestamptz;
-- Only waiting runs are in it: releasing them, and finding those past their grace, read this alone.
create index action_run_unbound on action_run (unbound_since) where unbound_since is not null;
