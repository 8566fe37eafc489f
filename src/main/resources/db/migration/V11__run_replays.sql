-- Each replay gives a run a fresh retry budget (attempt_base); this keeps where every one began:
-- the run's attempt count at each replay, oldest first. An attempt numbered above the n-th entry
-- (and not above the next) was made in the n-th replay's budget, so every attempt shows the
-- budget it counted against, also after several replays.
alter table action_run add column replayed_at_attempts integer[] not null default '{}';
-- Runs replayed before this column existed: only their latest replay is known.
update action_run set replayed_at_attempts = array[attempt_base] where attempt_base > 0;
