-- Each replica's heartbeat (runs.ReplicaBeats): the runs a replica claimed are retried once it has
-- been silent for switchboard.runs.replica-timeout, not when their claims expire (2 minutes by
-- default). A replica that stops cleanly marks itself gone (a beat twelve hours old) once its last attempts
-- have ended. node is the claimer's name as action_run.claimed_by records it.
create table replica_beat (
    node    text primary key,
    beat_at timestamptz not null
);
