package dev.switchboard.connect.kamelet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.Model;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.switchboard.connect.CamelSend;
import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.Suggestions;

/**
 * Sends the action to a Kamelet sink: {@code kamelet} names it (from the Kamelet catalog, or a
 * {@code *.kamelet.yaml} in the project's {@code kamelets/} folder) and {@code properties.<name>}
 * sets its properties. The idempotency key is the {@code Idempotency-Key} header.
 */
@ApplicationScoped
@Named("kamelet")
public class KameletConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("kamelet", "properties.*");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    @Inject
    ProducerTemplate producer;

    @Inject
    CamelContext camel;

    /** Where the kamelet component looks, in its order: the project's folder, then the catalog. */
    @ConfigProperty(name = "camel.component.kamelet.location", defaultValue = "classpath:kamelets")
    List<String> locations;

    /**
     * A Kamelet that is not there, a property it does not take and one it requires left out are
     * refused with the port's setting, as the port is bound: Camel would only say so at the first
     * call, and every call after it would fail its retries.
     */
    @Override
    public void validate(PortSettings settings) {
        // As Camel reads the name: "log-sink/my-route" is a Kamelet and the id of the route made of it.
        String name = settings.require("kamelet").strip().split("[/?]", 2)[0];
        Optional<Map<String, Object>> found = definition(name);
        if (found.isEmpty() && camel.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteTemplateDefinition(name) != null) {
            return; // a route template the project defines in a route or a RouteBuilder: Camel's to judge
        }
        Map<String, Object> definition = found.orElseThrow(() -> new PortBindings.BadSetting(
                settings.fullName("kamelet"), "no Kamelet named '" + name + "' in " + String.join(", ", locations)
                        + Suggestions.hint(name, projectKamelets())));
        Set<String> takes = new TreeSet<>(map(definition.get("properties")).keySet());
        Set<String> given = settings.under("properties").keySet();
        for (String property : given) {
            if (!takes.contains(property)) {
                throw new PortBindings.BadSetting(settings.fullName("properties." + property), "Kamelet '" + name
                        + "' takes no property '" + property + "'" + Suggestions.hint(property, takes)
                        + (takes.isEmpty() ? "" : "; it takes " + String.join(", ", takes)));
            }
        }
        if (definition.get("required") instanceof List<?> required) {
            for (Object property : required) {
                // A default, or a value for every use of the Kamelet (camel.kamelet.NAME.PROPERTY), fills it in too.
                boolean filled = given.contains(String.valueOf(property))
                        || map(map(definition.get("properties")).get(String.valueOf(property))).containsKey("default")
                        || ConfigProvider.getConfig().getOptionalValue("camel.kamelet." + name + "." + property,
                                String.class).isPresent();
                if (!filled) {
                    throw new PortBindings.BadSetting(settings.fullName("kamelet"), "Kamelet '" + name
                            + "' requires a value: set " + settings.fullName("properties." + property));
                }
            }
        }
    }

    /** The {@code spec.definition} of the Kamelet, from the first location that has it. */
    private Optional<Map<String, Object>> definition(String name) {
        for (String location : locations) {
            Resource resource = PluginHelper.getResourceLoader(camel).resolveResource(file(location.strip(), name));
            if (resource == null || !resource.exists()) {
                continue;
            }
            try (InputStream in = resource.getInputStream()) {
                Object kamelet = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
                return Optional.of(map(map(map(kamelet).get("spec")).get("definition")));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("Kamelet '" + name + "' (" + resource.getLocation()
                        + ") cannot be read: " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    /** Where a location keeps a Kamelet, as Camel's RouteTemplateHelper resolves it: a folder, or the file itself. */
    private static String file(String location, String name) {
        if (location.endsWith(".kamelet.yaml")) {
            return location;
        }
        return location + (location.endsWith("/") || location.endsWith(":") ? "" : "/") + name + ".kamelet.yaml";
    }

    /** The names of the project's own Kamelets: what a misspelt one is compared with. */
    private Set<String> projectKamelets() {
        Set<String> names = new TreeSet<>();
        for (String location : locations) {
            if (location.strip().startsWith("file:")) {
                try (Stream<Path> files = Files.list(Path.of(location.strip().substring("file:".length())))) {
                    files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".kamelet.yaml"))
                            .forEach(file -> names.add(file.substring(0, file.length() - ".kamelet.yaml".length())));
                } catch (IOException | UncheckedIOException e) {
                    // No folder, no names to suggest.
                }
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }


    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        return settings.get("kamelet").map(kamelet -> "kamelet " + kamelet.strip());
    }

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException {
        PortSettings settings = request.settings();
        String uri = "kamelet:" + settings.require("kamelet").strip() + query(settings.under("properties"));
        Throwable failure = CamelSend.inOnly(producer, uri, request.body(),
                Map.of("Idempotency-Key", request.idempotencyKey()));
        if (failure != null) {
            throw new ConnectorException("Kamelet " + settings.require("kamelet") + " failed: "
                    + failure.getMessage(), false, null, null, failure);
        }
        return Delivery.DONE;
    }

    private static String query(Map<String, String> properties) {
        return properties.isEmpty() ? "" : properties.entrySet().stream()
                .map(entry -> entry.getKey() + "=RAW(" + entry.getValue() + ")")
                .collect(Collectors.joining("&", "?", ""));
    }
}
