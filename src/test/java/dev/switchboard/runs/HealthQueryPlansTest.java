package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.Json;
import dev.switchboard.support.HubTestProfile;

/**
 * The overview's health queries run at every refresh, so they must not read whole tables. With
 * sequential scans made as costly as PostgreSQL allows (a few test rows would make the planner
 * pick them anyway), every read of the event, run and attempt tables in their plans is an index
 * scan with a condition: not a sequential scan, nor a walk through a whole index.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class HealthQueryPlansTest {

    static final Set<String> TABLES = Set.of("event", "action_run", "action_attempt");

    @Inject
    EntityManager entityManager;

    @ParameterizedTest
    @ValueSource(strings = {Activity.SOURCES, Activity.PORTS})
    void readsTheTablesThroughIndexConditions(String sql) throws Exception {
        String plan = QuarkusTransaction.requiringNew().call(() -> {
            entityManager.createNativeQuery("set local enable_seqscan = off").executeUpdate();
            return entityManager.createNativeQuery("explain (format json) " + sql)
                    .setParameter("names", new String[] {"a", "b"}).getSingleResult().toString();
        });
        List<JsonNode> reads = Json.MAPPER.readTree(plan).findParents("Node Type").stream()
                .filter(node -> TABLES.contains(node.path("Relation Name").asText())).toList();
        assertFalse(reads.isEmpty(), plan);
        for (JsonNode read : reads) {
            String type = read.get("Node Type").asText();
            assertTrue(type.equals("Bitmap Heap Scan") || type.startsWith("Index") && read.has("Index Cond"),
                    type + " on " + read.get("Relation Name").asText() + " in " + plan);
        }
    }
}
