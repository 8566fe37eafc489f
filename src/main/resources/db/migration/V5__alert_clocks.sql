-- Alert state that must outlive a replica.
-- When each expectation began to be watched, so that "none arrived for D" counts across restarts
-- and rolling deploys instead of from each JVM's start; reset when its definition changes.
create table alert_watch (
    name       text primary key,
    definition text        not null,
    since      timestamptz not null default now()
);

-- Each replica's recent signature failures per source, reported at every check, so that every
-- replica decides on the sum over all of them (deciding on its own count made the shared
-- incident open and resolve in turn).
create table signature_failure_count (
    replica     uuid        not null,
    source      text        not null,
    failures    int         not null,
    reported_at timestamptz not null default now(),
    primary key (replica, source)
);
