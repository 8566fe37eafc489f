package dev.switchboard.ops.api;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.core.Suggestions;

/**
 * The query of a call is checked against the called method's own parameters before it runs, so
 * that a mistake is refused rather than ignored: {@code POST /api/runs/discard?prot=crm} would
 * otherwise discard the DEAD runs of every port, and {@code unbound=yes} would be read as false.
 * In the API an unknown or repeated parameter is a 400 that names it; everywhere (the dashboard's
 * pages too, whose links a browser may give any extra) a number must be one and a flag
 * {@code true} or {@code false}: JAX-RS itself answers a number it cannot read with a 404.
 */
public class QueryParameters {

    private final Map<Method, Map<String, Class<?>>> declared = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Map<String, Class<?>> known = declared.computeIfAbsent(method, QueryParameters::queryParameters);
        boolean api = request.getUriInfo().getPath().startsWith("/api/");
        for (Map.Entry<String, List<String>> given : request.getUriInfo().getQueryParameters().entrySet()) {
            String name = given.getKey();
            Class<?> type = known.get(name);
            if (type == null) {
                if (api) {
                    throw ProblemMapper.badRequest("Unknown query parameter '" + name + "'"
                            + Suggestions.hint(name, known.keySet()) + (known.isEmpty() ? "; this call takes none"
                                    : "; this call takes " + String.join(", ", known.keySet())));
                }
                continue;
            }
            if (api && given.getValue().size() > 1) {
                throw ProblemMapper.badRequest("Query parameter '" + name + "' is given " + given.getValue().size()
                        + " times; give it once");
            }
            for (String value : given.getValue()) {
                checkValue(name, value, type);
            }
        }
    }

    private static void checkValue(String name, String value, Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            try {
                if (type == int.class || type == Integer.class) {
                    Integer.parseInt(value);
                } else {
                    Long.parseLong(value);
                }
            } catch (NumberFormatException e) {
                throw ProblemMapper.badRequest("Query parameter '" + name + "' must be a whole number"
                        + (type == int.class || type == Integer.class ? " up to " + Integer.MAX_VALUE : ""));
            }
        } else if ((type == boolean.class || type == Boolean.class)
                && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw ProblemMapper.badRequest("Query parameter '" + name + "' must be true or false");
        }
    }

    private static Map<String, Class<?>> queryParameters(Method method) {
        Map<String, Class<?>> names = new TreeMap<>();
        for (Parameter parameter : method.getParameters()) {
            QueryParam query = parameter.getAnnotation(QueryParam.class);
            if (query != null) {
                names.put(query.value(), parameter.getType());
            }
        }
        return names;
    }
}
