package dev.switchboard.ops.alerts;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Open and resolved alert incidents, shared by every replica through the database. */
@ApplicationScoped
public class Incidents {

    @Inject
    EntityManager entityManager;

    public record Incident(UUID id, String incident, String kind, String title, String detail,
            OffsetDateTime openedAt, OffsetDateTime resolvedAt) {

        /** Where the dashboard shows what it is about: a DEAD run on its event's page, a failing port's dead runs; null when nowhere. */
        public String link() {
            int colon = incident.indexOf(':');
            String subject = colon < 0 ? "" : incident.substring(colon + 1);
            return switch (kind) {
                case "run-dead" -> "/ui/runs/" + subject;
                case "port-failure" -> "/ui/dead?q=" + java.net.URLEncoder.encode(subject, java.nio.charset.StandardCharsets.UTF_8);
                default -> null;
            };
        }
    }

    /** Opens the incident unless it is open already; returns it when this call opened it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    public Optional<Incident> open(String incident, String kind, String title, String detail) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                insert into alert_incident (id, incident, kind, title, detail) values (:id, :incident, :kind, :title, :detail)
                on conflict (incident) where resolved_at is null do nothing
                returning id, incident, kind, title, detail, opened_at, resolved_at
                """).setParameter("id", UUID.randomUUID()).setParameter("incident", incident).setParameter("kind", kind)
                .setParameter("title", title).setParameter("detail", detail).getResultList();
        return rows.stream().findFirst().map(Incidents::incident);
    }

    /** Resolves the incident if it is open; returns it when this call resolved it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    public Optional<Incident> resolve(String incident) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                update alert_incident set resolved_at = now() where incident = :incident and resolved_at is null
                returning id, incident, kind, title, detail, opened_at, resolved_at
                """).setParameter("incident", incident).getResultList();
        return rows.stream().findFirst().map(Incidents::incident);
    }

    /** Incidents with a notice not yet accepted, oldest first: the fired one, or the resolved one. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Incident> unnoticed() {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select id, incident, kind, title, detail, opened_at, resolved_at from alert_incident
                where not fired_noticed or (resolved_at is not null and not resolved_noticed)
                order by opened_at limit 100
                """).getResultList();
        return rows.stream().map(Incidents::incident).toList();
    }

    /** Records that the incident's notice for this state (fired or resolved) was accepted. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void noticed(UUID id, boolean resolved) {
        entityManager.createNativeQuery(resolved
                ? "update alert_incident set resolved_noticed = true where id = :id"
                : "update alert_incident set fired_noticed = true where id = :id")
                .setParameter("id", id).executeUpdate();
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<Incident> open() {
        List<Object[]> rows = entityManager.createNativeQuery("""
                select id, incident, kind, title, detail, opened_at, resolved_at from alert_incident
                where resolved_at is null order by opened_at desc
                """).getResultList();
        return rows.stream().map(Incidents::incident).toList();
    }

    /** The names of the open incidents that start with {@code prefix}, such as every dead run's. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> openNamed(String prefix) {
        return entityManager.createNativeQuery("""
                select incident from alert_incident where resolved_at is null and incident like :prefix || '%'
                """).setParameter("prefix", prefix).getResultList();
    }

    private static Incident incident(Object[] row) {
        return new Incident((UUID) row[0], (String) row[1], (String) row[2], (String) row[3], (String) row[4],
                time(row[5]), time(row[6]));
    }

    private static OffsetDateTime time(Object value) {
        return value instanceof OffsetDateTime time ? time
                : value instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : null;
    }
}
