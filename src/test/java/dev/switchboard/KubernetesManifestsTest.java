package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.Durations;
import dev.switchboard.runs.RunsConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smallrye.config.WithDefault;

/**
 * Renders {@code kubernetes/} with {@code kubectl kustomize}, the base with every combination of
 * its components and the example overlay, and checks what was rendered: every object of a
 * built-in kind read into the fabric8 model of the Kubernetes API with no field that model does
 * not know and no value of the wrong type (a stand-in for the API's schema, which no package here
 * ships as JSON schema), and the rules docs/kubernetes.md promises. The two custom resources
 * (CloudNativePG's Cluster, ArtemisCloud's ActiveMQArtemis) have no schema here: only the
 * settings the hub depends on are checked. Skipped, saying so, where kubectl is missing.
 */
class KubernetesManifestsTest {

    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final List<String> COMPONENTS = List.of("cdc-lease", "admin-ingress", "cloudnative-pg",
            "artemis-operator");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static String kubectl;

    @BeforeAll
    static void findKubectl() {
        kubectl = Path.of("/usr/bin/kubectl").toFile().canExecute() ? "/usr/bin/kubectl" : null;
        if (kubectl == null) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Path.of(dir, "kubectl").toFile().canExecute()) {
                    kubectl = Path.of(dir, "kubectl").toString();
                    break;
                }
            }
        }
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed: the Kubernetes manifests were not rendered "
                + "or checked (kubectl 1.24 or later renders kustomize components offline)");
        // Debian 12's kubernetes-client (1.20) embeds kustomize 2.0, which knows no components.
        String version;
        try {
            Process process = new ProcessBuilder(kubectl, "version", "--client").redirectErrorStream(true).start();
            version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            version = e.toString();
        }
        Assumptions.assumeTrue(Pattern.compile("Kustomize Version: v[4-9]").matcher(version).find(),
                "kubectl at " + kubectl + " has no kustomize 4 or later (" + version.strip().replace('\n', ' ')
                        + "): the Kubernetes manifests were not rendered or checked");
    }

    @Test
    void everyCombinationOfComponentsRendersIntoObjectsTheKubernetesModelKnowsFieldByField() throws Exception {
        int combinations = 0;
        for (Set<String> components : combinations()) {
            List<HasMetadata> objects = renderBaseWith(components);
            for (HasMetadata object : objects) {
                if (!(object instanceof GenericKubernetesResource)) {
                    List<String> unknown = new ArrayList<>();
                    unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown, 0);
                    assertEquals(List.of(), unknown, "with " + components + ": fields the Kubernetes API does not have");
                }
            }
            Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "ServiceAccount", "ConfigMap", "Ingress",
                    "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget")), "with " + components + ": " + kinds);
            assertEquals(components.contains("cdc-lease"), kinds.contains("Role"), "with " + components);
            assertEquals(components.contains("cloudnative-pg"), kinds.contains("Cluster"), "with " + components);
            assertEquals(components.contains("artemis-operator"), kinds.contains("ActiveMQArtemis"), "with " + components);
            combinations++;
        }
        assertEquals(16, combinations);
    }

    @Test
    void theHubRunsAsANonRootUserOnAReadOnlyFilesystemWithNoCapabilitiesAndWritesOnlyToEmptyDirs() throws Exception {
        for (Set<String> components : combinations()) {
            PodSpec pod = one(renderBaseWith(components), Deployment.class).getSpec().getTemplate().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
            assertTrue(pod.getSecurityContext().getRunAsUser() > 0);
            assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
            Container hub = pod.getContainers().get(0);
            assertEquals(Boolean.FALSE, hub.getSecurityContext().getAllowPrivilegeEscalation());
            assertEquals(Boolean.TRUE, hub.getSecurityContext().getReadOnlyRootFilesystem());
            assertEquals(List.of("ALL"), hub.getSecurityContext().getCapabilities().getDrop());
            assertTrue(hub.getSecurityContext().getCapabilities().getAdd() == null
                    || hub.getSecurityContext().getCapabilities().getAdd().isEmpty());
            Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
            Set<String> writable = new TreeSet<>();
            for (VolumeMount mount : hub.getVolumeMounts()) {
                if (!Boolean.TRUE.equals(mount.getReadOnly())) {
                    writable.add(mount.getMountPath());
                    assertTrue(volumes.get(mount.getName()).getEmptyDir() != null,
                            mount.getMountPath() + " is writable but not an emptyDir");
                }
            }
            assertEquals(Set.of("/tmp"), writable, "java.io.tmpdir must be writable, and nothing else is written");
        }
    }

    @Test
    void theServiceAccountTokenIsMountedOnlyWithTheLeaseElectionWhoseRoleNamesItsLeases() throws Exception {
        for (Set<String> components : combinations()) {
            List<HasMetadata> objects = renderBaseWith(components);
            assertEquals(Boolean.FALSE, one(objects, ServiceAccount.class).getAutomountServiceAccountToken());
            Deployment deployment = one(objects, Deployment.class);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            boolean lease = components.contains("cdc-lease");
            assertEquals(lease, pod.getAutomountServiceAccountToken(), "with " + components);
            assertEquals(lease ? "kubernetes" : null, env(pod.getContainers().get(0), "SWITCHBOARD_CDC_CLUSTER"));
            if (lease) {
                for (PolicyRule rule : one(objects, Role.class).getRules()) {
                    assertFalse(rule.getVerbs().contains("*") || rule.getResources().contains("*"), rule.toString());
                    assertFalse(rule.getVerbs().stream().anyMatch(Set.of("delete", "deletecollection", "patch")::contains),
                            rule.toString());
                    if (rule.getResources().contains("leases") && !rule.getVerbs().equals(List.of("create"))) {
                        // Every verb but create (which Kubernetes cannot limit by name) names its Leases.
                        assertFalse(rule.getResourceNames().isEmpty(), rule.toString());
                        assertTrue(rule.getResourceNames().stream().allMatch(n -> n.startsWith("switchboard-cdc-")),
                                rule.toString());
                    }
                    if (rule.getResources().contains("pods")) {
                        assertEquals(List.of("list"), rule.getVerbs(), "Camel's election only lists the pods");
                    }
                }
            }
        }
    }

    @Test
    void theProbesAndMetricsAreOnTheManagementPortWhichNeitherTheServiceNorAnIngressReaches() throws Exception {
        List<HasMetadata> objects = renderBaseWith(Set.copyOf(COMPONENTS));
        Deployment deployment = one(objects, Deployment.class);
        Container hub = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        int management = hub.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst().orElseThrow()
                .getContainerPort();
        int http = hub.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow()
                .getContainerPort();
        assertTrue(management != http);
        for (Probe probe : List.of(hub.getStartupProbe(), hub.getLivenessProbe(), hub.getReadinessProbe())) {
            assertEquals(new IntOrString("management"), probe.getHttpGet().getPort());
            assertTrue(probe.getHttpGet().getPath().startsWith("/q/health/"));
        }
        assertEquals(String.valueOf(management),
                deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));
        Properties config = operatorConfig(objects);
        assertEquals(String.valueOf(management), config.getProperty("quarkus.management.port"));

        Service service = one(objects, Service.class);
        service.getSpec().getPorts().forEach(port -> assertTrue(
                new IntOrString("http").equals(port.getTargetPort()) || new IntOrString(http).equals(port.getTargetPort()),
                "the Service exposes " + port.getTargetPort()));
        for (Ingress ingress : all(objects, Ingress.class)) {
            for (var rule : ingress.getSpec().getRules()) {
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    assertEquals(service.getMetadata().getName(), path.getBackend().getService().getName());
                    assertEquals("http", path.getBackend().getService().getPort().getName());
                    assertFalse(path.getPath().startsWith("/q"), path.getPath());
                }
            }
        }
        assertTrue(new String(Files.readAllBytes(Path.of("pom.xml")), StandardCharsets.UTF_8)
                .contains("<quarkus.management.enabled>true</quarkus.management.enabled>"),
                "the image profile must build the management interface the probes call");
    }

    @Test
    void thePublicIngressRoutesOnlyWebhooks() throws Exception {
        Ingress hooks = all(renderBaseWith(Set.of()), Ingress.class).stream()
                .filter(i -> i.getMetadata().getName().equals("switchboard-hooks")).findFirst().orElseThrow();
        for (var rule : hooks.getSpec().getRules()) {
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                assertTrue(path.getPath().equals("/hooks") || path.getPath().startsWith("/hooks/"), path.getPath());
                assertEquals("Prefix", path.getPathType());
            }
        }
    }

    @Test
    void theNetworkPolicyLetsTheIngressControllerReachOnlyTheHttpPort() throws Exception {
        List<HasMetadata> objects = renderBaseWith(Set.of());
        NetworkPolicy policy = one(objects, NetworkPolicy.class);
        Deployment deployment = one(objects, Deployment.class);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), policy.getSpec().getPodSelector().getMatchLabels());
        assertTrue(policy.getSpec().getPolicyTypes().contains("Ingress"));
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertFalse(rule.getPorts() == null || rule.getPorts().isEmpty(), "a rule open on every port: " + rule);
            boolean fromIngressController = rule.getFrom().stream().anyMatch(peer -> peer.getNamespaceSelector() != null
                    && "ingress-nginx".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")));
            if (fromIngressController) {
                assertEquals(List.of(new IntOrString("http")),
                        rule.getPorts().stream().map(NetworkPolicyPort::getPort).toList());
            }
        }
    }

    @Test
    void aStoppingReplicaIsGivenLongerThanTheClaimOfARunItHolds() throws Exception {
        Duration claimTimeout = Durations.parse(
                RunsConfig.class.getMethod("claimTimeout").getAnnotation(WithDefault.class).value());
        PodSpec pod = one(renderBaseWith(Set.of()), Deployment.class).getSpec().getTemplate().getSpec();
        assertTrue(pod.getTerminationGracePeriodSeconds() > claimTimeout.toSeconds(),
                pod.getTerminationGracePeriodSeconds() + " s against a claim timeout of " + claimTimeout);
    }

    @Test
    void everyVariableTheOperatorFileReadsIsAKeyOfTheOneSecretOrSetByTheDeployment() throws Exception {
        Properties secretKeys = new Properties();
        try (var in = Files.newBufferedReader(KUBERNETES.resolve("secrets.example.env"))) {
            secretKeys.load(in);
        }
        for (Set<String> components : combinations()) {
            List<HasMetadata> objects = renderBaseWith(components);
            Container hub = one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals(List.of("switchboard-secrets"),
                    hub.getEnvFrom().stream().map(e -> e.getSecretRef().getName()).toList());
            Properties config = operatorConfig(objects);
            Set<String> read = new LinkedHashSet<>();
            Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(String.join("\n",
                    config.stringPropertyNames().stream().map(config::getProperty).toList()));
            while (variable.find()) {
                read.add(variable.group(1));
            }
            for (String name : read) {
                assertTrue(secretKeys.containsKey(name) || env(hub, name) != null || hasEnvFromSecret(hub, name),
                        name + " is read by application.properties but is neither in secrets.example.env nor set");
            }
            assertEquals("${SESSION_ENCRYPTION_KEY}", config.getProperty("quarkus.http.auth.session.encryption-key"),
                    "every replica must encrypt sessions with the key from the Secret");
        }
        assertTrue(secretKeys.containsKey("SESSION_ENCRYPTION_KEY"));
    }

    @Test
    void theOperatorsEnginesAreDurableAndTheBrokerRedeliversTheHubsAddressesForEver() throws Exception {
        List<HasMetadata> objects = renderBaseWith(Set.of("cloudnative-pg", "artemis-operator"));
        Map<String, Object> cluster = spec(objects, "Cluster");
        assertTrue(((Number) cluster.get("instances")).intValue() >= 2);
        Map<?, ?> synchronous = (Map<?, ?>) ((Map<?, ?>) cluster.get("postgresql")).get("synchronous");
        assertTrue(((Number) synchronous.get("number")).intValue() >= 1,
                "an acknowledged event must be on a standby before a failover can promote it");

        Map<String, Object> broker = spec(objects, "ActiveMQArtemis");
        Map<String, String> settings = new LinkedHashMap<>();
        for (Object line : (List<?>) broker.get("brokerProperties")) {
            String[] pair = line.toString().split("=", 2);
            settings.put(pair[0], pair[1]);
        }
        assertEquals("-1", settings.get("addressSettings.\"switchboard.#\".maxDeliveryAttempts"));
        assertTrue(Long.parseLong(settings.get("addressSettings.\"switchboard.#\".redeliveryDelay")) > 0);
        assertEquals(Boolean.TRUE, ((Map<?, ?>) broker.get("deploymentPlan")).get("persistenceEnabled"));

        // The hub reaches both through the operators' Secrets, not through switchboard-secrets.
        Container hub = one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("switchboard-db-app", secretOf(hub, "DB_PASSWORD"));
        assertEquals("switchboard-broker-credentials-secret", secretOf(hub, "BROKER_PASSWORD"));
    }

    @Test
    void theExampleOverlayRunsAnImmutableImageTag() throws Exception {
        Deployment deployment = one(render(KUBERNETES.resolve("overlays/example")), Deployment.class);
        String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        Matcher tagged = Pattern.compile("^[^:@]+(?::[0-9]+)?/[^:@]+(:[^:@]+)?(@sha256:[0-9a-f]{64})?$").matcher(image);
        assertTrue(tagged.matches() && (tagged.group(1) != null || tagged.group(2) != null), image);
        assertFalse(image.endsWith(":latest") || image.contains("SNAPSHOT"), image);
    }

    // ---- rendering

    private static List<Set<String>> combinations() {
        List<Set<String>> all = new ArrayList<>();
        for (int mask = 0; mask < 1 << COMPONENTS.size(); mask++) {
            Set<String> chosen = new LinkedHashSet<>();
            for (int i = 0; i < COMPONENTS.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    chosen.add(COMPONENTS.get(i));
                }
            }
            all.add(chosen);
        }
        return all;
    }

    private static final Map<Set<String>, List<HasMetadata>> RENDERED = new LinkedHashMap<>();

    /** The base with these components, rendered through a kustomization under target/ (kustomize takes relative paths only). */
    private static synchronized List<HasMetadata> renderBaseWith(Set<String> components) throws Exception {
        if (RENDERED.containsKey(components)) {
            return RENDERED.get(components);
        }
        Path dir = Path.of("target", "kustomize", components.isEmpty() ? "base" : String.join("+", components));
        Files.createDirectories(dir);
        StringBuilder kustomization = new StringBuilder("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../../kubernetes/base
                images:
                  - name: switchboard
                    newName: registry.example.com/switchboard
                    newTag: "0.1.0-test"
                """);
        if (!components.isEmpty()) {
            kustomization.append("components:\n");
            components.forEach(c -> kustomization.append("  - ../../../kubernetes/components/").append(c).append('\n'));
        }
        Files.writeString(dir.resolve("kustomization.yaml"), kustomization);
        List<HasMetadata> objects = render(dir);
        RENDERED.put(components, objects);
        return objects;
    }

    private static List<HasMetadata> render(Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        if (process.exitValue() != 0) {
            fail("kubectl kustomize " + dir + " failed: " + err);
        }
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : new String(out, StandardCharsets.UTF_8).split("(?m)^---$")) {
            if (!document.isBlank()) {
                objects.add(SERIALIZATION.unmarshal(document));
            }
        }
        return objects;
    }

    /**
     * Walks a fabric8 model object: every field the model does not know lands in an
     * {@code additionalProperties} map instead of failing, so a non-empty one is a misspelt or
     * misplaced field.
     */
    private static void unknownFields(Object value, String path, List<String> unknown, int depth) throws Exception {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown, depth + 1);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object got;
            try {
                got = getter.invoke(value);
            } catch (InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (got instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else if (!(value instanceof IntOrString)) {
                String name = getter.getName().substring(3);
                unknownFields(got, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), unknown, depth + 1);
            }
        }
    }

    // ---- reading what was rendered

    private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertEquals(1, found.size(), type.getSimpleName() + " objects");
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(List<HasMetadata> objects, String kind) {
        GenericKubernetesResource resource = objects.stream().filter(o -> o.getKind().equals(kind))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static Properties operatorConfig(List<HasMetadata> objects) throws IOException {
        ConfigMap config = all(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals("switchboard-config")).findFirst().orElseThrow();
        Properties properties = new Properties();
        properties.load(new StringReader(config.getData().get("application.properties")));
        return properties;
    }

    private static String env(Container container, String name) {
        return container.getEnv() == null ? null : container.getEnv().stream().filter(e -> e.getName().equals(name))
                .map(e -> e.getValue()).findFirst().orElse(null);
    }

    private static boolean hasEnvFromSecret(Container container, String name) {
        return secretOf(container, name) != null;
    }

    private static String secretOf(Container container, String name) {
        return container.getEnv() == null ? null : container.getEnv().stream()
                .filter(e -> e.getName().equals(name) && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElse(null);
    }
}
