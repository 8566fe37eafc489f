-- What the rules made of an event.
alter table event add column matched_rules text[] not null default '{}';
alter table event add column error text;

-- One run per (event, rule, action). Its id is derived from those three and is the
-- idempotency key sent downstream with every attempt and replay.
create table action_run (
    id               uuid primary key,
    event_id         uuid        not null references event (id),
    rule_id          text        not null,
    action_id        text        not null,
    port             text        not null,
    operation        text,
    body             text,
    state            text        not null,
    attempts         integer     not null default 0,
    -- attempts made before the latest replay: the retry budget counts from here
    attempt_base     integer     not null default 0,
    max_attempts     integer     not null,
    initial_delay_ms bigint      not null,
    max_delay_ms     bigint      not null,
    next_attempt_at  timestamptz,
    claimed_by       text,
    claim_expires_at timestamptz,
    last_error       text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index action_run_due on action_run (next_attempt_at) where state in ('PENDING', 'FAILED');
create index action_run_claims on action_run (claim_expires_at) where state = 'RUNNING';
create index action_run_state on action_run (state, updated_at);
create index action_run_event on action_run (event_id);

-- Every attempt of a run, with what the downstream said.
create table action_attempt (
    run_id            uuid        not null references action_run (id),
    attempt           integer     not null,
    started_at        timestamptz not null,
    duration_ms       bigint      not null,
    outcome           text        not null,
    error_class       text,
    error_message     text,
    downstream_status integer,
    response_excerpt  text,
    primary key (run_id, attempt)
);
