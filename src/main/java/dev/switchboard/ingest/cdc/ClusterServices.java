package dev.switchboard.ingest.cdc;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;

/**
 * The cluster service Camel's master component elects each CDC source's leader with, as
 * configured: a lock file per source in a shared directory, a Kubernetes lease per source, or an
 * advisory lock per source on the hub's database.
 */
final class ClusterServices {

    private ClusterServices() {
    }

    /** The configured kind, or the default for where the hub's database is. */
    static CdcConfig.Cluster kind(CdcConfig config, boolean embeddedDatabase) {
        return config.cluster().orElse(embeddedDatabase ? CdcConfig.Cluster.FILE : CdcConfig.Cluster.DATABASE);
    }

    static CamelClusterService create(CdcConfig config, Path dataDir, boolean embeddedDatabase,
            DatabaseLockClusterService.Connections database) {
        return switch (kind(config, embeddedDatabase)) {
            case FILE -> {
                FileLockClusterService files = new FileLockClusterService();
                files.setId("switchboard-cdc");
                files.setRoot(config.clusterDir().orElse(dataDir.resolve("cluster")).toAbsolutePath().toString());
                files.setAcquireLockDelay(1, TimeUnit.SECONDS);
                files.setAcquireLockInterval(config.lockInterval().toMillis(), TimeUnit.MILLISECONDS);
                yield files;
            }
            case KUBERNETES -> {
                // In a pod the client finds the API server and the service account by itself; the pod
                // name (the lease holder) is the pod's host name.
                KubernetesClusterService kubernetes = new KubernetesClusterService();
                kubernetes.setId("switchboard-cdc");
                kubernetes.setLeaseResourceType(LeaseResourceType.Lease);
                kubernetes.setKubernetesResourceName("switchboard");
                // The leases' (and member pods') namespace; the client's own namespace setting is ignored in a pod.
                config.kubernetesNamespace().ifPresent(kubernetes::setKubernetesResourcesNamespace);
                yield kubernetes;
            }
            case DATABASE -> new DatabaseLockClusterService("switchboard-cdc", database, config.lockInterval());
        };
    }
}
