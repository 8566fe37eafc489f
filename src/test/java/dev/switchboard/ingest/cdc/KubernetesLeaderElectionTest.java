package dev.switchboard.ingest.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The {@code kubernetes} cluster kind as the hub configures it ({@link ClusterServices}: a
 * {@code coordination.k8s.io} Lease per CDC source), against fabric8's Kubernetes API mock server in
 * CRUD mode: two replicas (pods {@code hub-a} and {@code hub-b}), each a Camel context with its
 * cluster service and a {@code master:} route. One leads and holds the Lease; when it stops renewing
 * and its pod is no longer ready (as when its process dies), the other takes the Lease over and leads.
 *
 * <p>Camel 4.17 takes a Lease over only from a holder that is not among the namespace's running and
 * ready pods: it does not read the Lease's renew time. A holder that stops renewing while its pod
 * stays ready keeps the Lease (see docs/sources.md).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaderElectionTest {

    static final String NAMESPACE = "switchboard";
    static final String MASTER = "cdc-crm";
    /** The Lease Camel keeps for the hub's resource name and the source's master namespace. */
    static final String LEASE = "switchboard-" + MASTER;
    static final long LEASE_MS = 3000;

    KubernetesMockServer server;
    KubernetesClient client;

    final List<CamelContext> replicas = new ArrayList<>();
    final List<String> ticks = new CopyOnWriteArrayList<>();

    /**
     * The client finds the API server as in a pod, by itself (there from the service account, here
     * from fabric8's system properties): Camel's cluster service, made as the hub makes it, applies
     * no master URL of its own.
     */
    @BeforeEach
    void apiServer() {
        System.setProperty("kubernetes.master", client.getConfiguration().getMasterUrl());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    }

    @AfterEach
    void forgetApiServer() {
        System.clearProperty("kubernetes.master");
        System.clearProperty("kubernetes.auth.tryKubeConfig");
        System.clearProperty("kubernetes.auth.tryServiceAccount");
    }

    @BeforeEach
    void pods() {
        // Camel counts as members the running and ready pods of the namespace.
        for (String pod : List.of("hub-a", "hub-b")) {
            client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(pod)
                    .withNamespace(NAMESPACE).endMetadata().withNewStatus().withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        }
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(CamelContext::stop);
    }

    CamelContext replica(String pod) throws Exception {
        CdcConfig config = new SmallRyeConfigBuilder().withMapping(CdcConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(Map.of("switchboard.cdc.cluster", "kubernetes",
                        "switchboard.cdc.kubernetes-namespace", NAMESPACE))
                .build().getConfigMapping(CdcConfig.class);
        KubernetesClusterService kubernetes = (KubernetesClusterService) ClusterServices.create(config, Path.of("unused"),
                false, () -> {
                    throw new AssertionError("the kubernetes kind needs no database");
                });
        // In a pod the host name.
        kubernetes.setPodName(pod);
        kubernetes.setLeaseDurationMillis(LEASE_MS);
        kubernetes.setRenewDeadlineMillis(2000);
        kubernetes.setRetryPeriodMillis(250);
        CamelContext camel = new DefaultCamelContext();
        camel.addService(kubernetes);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + MASTER + ":timer:capture?period=50&delay=0").process(exchange -> ticks.add(pod));
            }
        });
        camel.start();
        replicas.add(camel);
        return camel;
    }

    static boolean leads(CamelContext replica) {
        return replica.hasService(KubernetesClusterService.class).isLeader(MASTER);
    }

    String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    static Duration await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        Instant start = Instant.now();
        while (!condition.getAsBoolean()) {
            assertTrue(Duration.between(start, Instant.now()).compareTo(within) < 0, "not within " + within + ": " + what);
            Thread.sleep(50);
        }
        return Duration.between(start, Instant.now());
    }

    /** What the kubelet does when the hub's container dies or fails its readiness probe. */
    void markNotReady(String pod) {
        client.pods().inNamespace(NAMESPACE).withName(pod).edit(running -> new PodBuilder(running).editStatus()
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
                .endStatus().build());
    }

    @Test
    void oneReplicaHoldsTheLeaseAndWhenItStopsRenewingAndItsPodIsNotReadyTheOtherTakesItOver() throws Exception {
        CamelContext a = replica("hub-a");
        await("hub-a leads", Duration.ofSeconds(15), () -> leads(a));
        assertEquals("hub-a", holder());
        await("hub-a's route runs", Duration.ofSeconds(5), () -> ticks.contains("hub-a"));
        CamelContext b = replica("hub-b");
        Thread.sleep(LEASE_MS);
        assertTrue(leads(a) && !leads(b), "one leader at a time");
        assertFalse(ticks.contains("hub-b"), "the route runs on the leader only");
        Lease held = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        assertEquals((int) (LEASE_MS / 1000), held.getSpec().getLeaseDurationSeconds());
        assertTrue(held.getSpec().getRenewTime().isAfter(held.getSpec().getAcquireTime()), "hub-a renews the Lease");

        // hub-a stops renewing: its process stopped, and its pod is no longer ready.
        a.stop();
        Instant stopped = Instant.now();
        markNotReady("hub-a");
        Duration taken = await("hub-b holds the Lease", Duration.ofMillis(LEASE_MS), () -> "hub-b".equals(holder()));
        Lease moved = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        assertEquals(1, moved.getSpec().getLeaseTransitions());
        assertTrue(moved.getSpec().getAcquireTime().toInstant().isAfter(stopped), moved.getSpec().toString());
        // Camel then waits one lease duration before it leads, in case the old leader is still stopping.
        Duration leading = await("hub-b leads", Duration.ofMillis(LEASE_MS * 2), () -> leads(b));
        assertTrue(leading.toMillis() >= LEASE_MS - 500, "waited the lease duration: " + leading);
        ticks.clear();
        await("hub-b's route runs", Duration.ofSeconds(5), () -> ticks.contains("hub-b"));
        assertFalse(ticks.contains("hub-a"), "the route moved to hub-b: " + ticks);
        System.out.println("Kubernetes election: hub-b held the Lease " + taken.toMillis() + " ms and led "
                + Duration.between(stopped, Instant.now()).toMillis() + " ms after hub-a stopped (lease " + LEASE_MS
                + " ms)");
    }
}
