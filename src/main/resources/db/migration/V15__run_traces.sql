-- The W3C traceparent of each run's span (core.Tracing): the span its attempts' spans hang under,
-- in the trace of the event that asked for the run. Null for runs planned before tracing.
alter table action_run add column trace_parent text;
