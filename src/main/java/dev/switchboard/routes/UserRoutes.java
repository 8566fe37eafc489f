package dev.switchboard.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.switchboard.core.Failures;
import dev.switchboard.core.FileReloads;
import dev.switchboard.core.FileWatch;
import dev.switchboard.core.SecretMask;

/**
 * The operator's YAML DSL routes in {@code routes/*.yaml}, loaded at startup and reloaded when a
 * file changes (Camel's own route reload is a development feature that Camel Quarkus leaves out).
 * Each file stands alone: a file that fails to load is reported with its reason, and the routes
 * of its last good version keep running; the other files are unaffected.
 */
@ApplicationScoped
public class UserRoutes {

    private static final Logger LOG = Logger.getLogger(UserRoutes.class);

    @Inject
    RoutesConfig config;

    @Inject
    CamelContext camel;

    @Inject
    FileReloads reloads;

    /** The content of each file as last loaded successfully. */
    private final Map<Path, String> loaded = new HashMap<>();
    /** The content of each file as last seen, loaded or not. */
    private final Map<Path, String> seen = new HashMap<>();
    /** The files whose latest version was refused for a route id another file held: tried again at the next change. */
    private final Set<Path> waiting = new TreeSet<>();
    private volatile Map<String, String> errors = Map.of();
    private final FileWatch folder = new FileWatch(() -> FileWatch.list(dir(), ".yaml", ".yml"));

    public record LoadedRoute(String id, String file, String from, String status) {
    }

    void onStart(@Observes StartupEvent event) {
        reload();
        reloads.every("routes-reload", config.reloadInterval(), this::reloadIfChanged);
    }

    /** Loads every file that changed since it was last seen; returns the files' current problems. */
    /** Checked under the lock {@link #reload()} holds, so that a check during a reload does not load the same files twice. */
    synchronized void reloadIfChanged() {
        if (folder.changed()) {
            reload();
        }
    }

    public synchronized Map<String, String> reload() {
        Map<Path, String> onDisk = read();
        Set<Path> files = new TreeSet<>(seen.keySet());
        files.addAll(onDisk.keySet());
        Map<String, String> problems = new TreeMap<>(errors);
        Set<Path> clashed = new TreeSet<>();
        boolean changed = false;
        for (Path file : files) {
            String content = onDisk.get(file);
            if (content != null && content.equals(seen.get(file))) {
                continue;
            }
            changed = true;
            if (content == null) {
                removeRoutesOf(file);
                loaded.remove(file);
                seen.remove(file);
                problems.remove(file.toString());
                LOG.infof("Removed the routes of %s", file);
                continue;
            }
            seen.put(file, content);
            if (apply(file, content, problems, true) instanceof RouteIdTaken) {
                clashed.add(file);
            }
        }
        // Judged once every other file is in: a route moved from one file to another clashes with
        // the file it left when the file it moved to is read first, in this reload or an earlier
        // one (an editor saves the two files one after the other).
        if (changed) {
            waiting.stream().filter(seen::containsKey).forEach(clashed::add);
        }
        waiting.clear();
        for (Path file : clashed) {
            if (apply(file, seen.get(file), problems, false) instanceof RouteIdTaken) {
                waiting.add(file);
            }
        }
        errors = Map.copyOf(problems);
        return errors;
    }

    /** The problems of the files whose latest version did not load, by file. */
    public Map<String, String> errors() {
        return errors;
    }

    /** The routes loaded from the folder, with the file each came from. */
    public List<LoadedRoute> routes() {
        List<LoadedRoute> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            Path file = fileOf(route);
            if (file != null) {
                // An endpoint's options may hold its credentials (jms:queue:x?password=...).
                routes.add(new LoadedRoute(route.getRouteId(), file.toString(),
                        SecretMask.text(route.getEndpoint().getEndpointUri()),
                        camel.getRouteController().getRouteStatus(route.getRouteId()).name()));
            }
        }
        return routes;
    }

    /**
     * Puts the file's routes in force, or records why not; returns the failure, if any. A file that
     * does not parse, or that names a route id already taken, is refused before its running routes
     * stop, and they keep running untouched. Camel itself would replace a route of the same id, the
     * hub's own ones (webhook-ingest) or another file's, without a word. With {@code laterClash}, an
     * id taken is returned and not yet reported.
     */
    private Exception apply(Path file, String content, Map<String, String> problems, boolean laterClash) {
        RoutesBuilder builder;
        try {
            builder = builder(file, content);
            if (builder instanceof RouteBuilder routes) {
                for (RouteDefinition route : routes.configureRoutes(camel).getRoutes()) {
                    refuseTaken(route.getId(), file);
                }
            }
        } catch (Exception e) {
            if (!(laterClash && e instanceof RouteIdTaken)) {
                reject(file, e, problems);
            }
            return e;
        }
        try {
            removeRoutesOf(file);
            try {
                add(builder);
            } catch (Exception e) {
                removeRoutesOf(file); // whatever part of the file did load
                throw e;
            }
        } catch (Exception e) {
            reject(file, e, problems);
            restore(file);
            return e;
        }
        loaded.put(file, content);
        problems.remove(file.toString());
        LOG.infof("Loaded the routes of %s: %s", file, routes().stream()
                .filter(route -> route.file().equals(file.toString())).map(LoadedRoute::id).toList());
        return null;
    }

    private static void reject(Path file, Exception e, Map<String, String> problems) {
        // Camel quotes the endpoint, options and all, and masks only the secrets it knows of.
        String reason = SecretMask.text(Failures.messages(e));
        problems.put(file.toString(), reason);
        LOG.errorf("Rejected %s: %s", file, reason);
    }

    /** A route id that the hub or another file uses. */
    private static final class RouteIdTaken extends IllegalArgumentException {
        RouteIdTaken(String message) {
            super(message);
        }
    }

    private void refuseTaken(String id, Path file) {
        Route existing = id == null ? null : camel.getRoute(id);
        if (existing == null) {
            return;
        }
        Path owner = fileOf(existing);
        if (owner == null) {
            throw new RouteIdTaken("route id '" + id + "' is one of the hub's own routes: choose another id");
        }
        if (!owner.equals(file)) {
            throw new RouteIdTaken("route id '" + id + "' is already used by " + owner + ": choose another id");
        }
    }

    private void restore(Path file) {
        String previous = loaded.get(file);
        if (previous == null) {
            return;
        }
        try {
            add(builder(file, previous));
            LOG.warnf("The routes of the previous version of %s stay active", file);
        } catch (Exception e) {
            LOG.errorf("The previous version of %s did not load again either: %s", file, SecretMask.text(Failures.messages(e)));
        }
    }

    private void removeRoutesOf(Path file) {
        for (Route route : List.copyOf(camel.getRoutes())) {
            if (file.equals(fileOf(route))) {
                try {
                    camel.getRouteController().stopRoute(route.getRouteId());
                    camel.removeRoute(route.getRouteId());
                } catch (Exception e) {
                    throw new IllegalStateException("Route " + route.getRouteId() + " of " + file + " did not stop", e);
                }
            }
        }
    }

    private Path fileOf(Route route) {
        Resource resource = route.getSourceResource();
        if (resource == null || !resource.getLocation().startsWith("file:")) {
            return null;
        }
        Path file = Path.of(resource.getLocation().substring("file:".length()));
        return file.startsWith(dir()) ? file : null;
    }

    /** As Camel's own loader adds them: a file's route configurations, its routes, then its templated routes. */
    private void add(RoutesBuilder builder) throws Exception {
        if (builder instanceof RouteConfigurationsBuilder configurations) {
            camel.addRoutesConfigurations(configurations);
        }
        camel.addRoutes(builder);
        camel.addTemplatedRoutes(builder);
    }

    /**
     * The file's routes, read by Camel's YAML DSL whichever of its two extensions the file has:
     * Camel picks a loader by extension, and has none for {@code .yml}.
     */
    private RoutesBuilder builder(Path file, String content) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + file, content);
        return PluginHelper.getRoutesLoader(camel).getRoutesLoader("yaml").loadRoutesBuilder(resource);
    }

    private Map<Path, String> read() {
        Path dir = dir();
        Map<Path, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try {
            for (Path file : FileWatch.list(dir, ".yaml", ".yml")) {
                files.put(file, Files.readString(file));
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.errorf("Cannot read the routes folder %s: %s", dir, e.getMessage());
            return new TreeMap<>(seen); // as it was: an unreadable folder removes nothing
        }
        return files;
    }

    private Path dir() {
        return config.dir().toAbsolutePath().normalize();
    }
}
