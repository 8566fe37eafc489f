-- Judging an event updates its row "where id = ? and state = 'RECEIVED'". PostgreSQL chose the
-- index on state alone for it whenever its statistics said few events are RECEIVED (as they are
-- while the stream keeps up), and then read every RECEIVED event to find the one id: under a
-- backlog each update cost more the longer the backlog, 0.7 ms on average in a 30 s load
-- (bench/steps.md, step 19). With the id in the index the same plan finds the row at once; the
-- lists by state read it as they read the old one.
create index event_state_id on event (state, id);
drop index event_state;
