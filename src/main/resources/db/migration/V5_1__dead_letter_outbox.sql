-- A DEAD run's dead letter is sent after its state commits, not from inside that transaction:
-- the state change marks it due, and a replica sends it and clears the mark in one transaction.
-- A send that fails leaves the mark, so the letter goes out later; a letter is never sent for a
-- state change that rolled back.
alter table action_run add column dead_letter_due boolean not null default false;
create index action_run_dead_letters on action_run (updated_at) where dead_letter_due;
