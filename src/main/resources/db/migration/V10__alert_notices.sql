-- Whether each notice of an incident (fired, resolved) has been accepted as an event. The incident
-- commits first and its notice after, so a notice that could not be accepted then (the database
-- away for a moment, a crash in between) is sent by a later check instead of never.
alter table alert_incident
    add column fired_noticed boolean not null default false,
    add column resolved_noticed boolean not null default false;
-- What happened before this column existed is not sent again.
update alert_incident set fired_noticed = true, resolved_noticed = resolved_at is not null;
