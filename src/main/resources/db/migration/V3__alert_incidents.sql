-- Alert incidents: one open row per incident key, so an alert fires once per incident, whichever
-- replica sees it first, and a resolved notice once when it clears.
create table alert_incident (
    id          uuid primary key,
    incident    text        not null,
    kind        text        not null,
    title       text        not null,
    detail      text,
    opened_at   timestamptz not null default now(),
    resolved_at timestamptz
);
create unique index alert_incident_open on alert_incident (incident) where resolved_at is null;
create index alert_incident_recent on alert_incident (opened_at);
create index event_type_received on event (type, received_at);
