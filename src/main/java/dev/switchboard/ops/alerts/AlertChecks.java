package dev.switchboard.ops.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.scheduler.Scheduled;

import dev.switchboard.connect.PortBindings;
import dev.switchboard.core.Durations;
import dev.switchboard.core.Failures;
import dev.switchboard.core.StartupGate;
import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.ingest.SignatureFailures;
import dev.switchboard.ingest.WebhookSources;
import dev.switchboard.ops.parked.ParkedMessages;
import dev.switchboard.ops.parked.ParkingQueue;
import dev.switchboard.ops.parked.ParkingQueues;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.RunOperations;
import dev.switchboard.stream.StreamAddresses;

/**
 * The alerts that fire by themselves, checked every {@code switchboard.alerts.check-interval}:
 * <ul>
 * <li>an expected event type that has not arrived within its interval (counted from its last
 * arrival, or from when it was first watched, over restarts); the next arrival resolves it;</li>
 * <li>a port whose attempts failed more than the threshold in the window, from the database, so
 * over all replicas; it resolves when the rate falls back;</li>
 * <li>a source with more signature failures than the threshold in the window, over all
 * replicas (see SharedSignatureFailures);</li>
 * <li>events that could not be judged, parked messages, and calls that have not returned.</li>
 * </ul>
 * A dead run alerts when it goes DEAD (see DeadLetters); its incident resolves here once the run
 * succeeded after a replay, was discarded or is gone, whichever replica or path did it.
 * Each opens an incident, which alerts once, and sends one notice when it resolves.
 */
@ApplicationScoped
public class AlertChecks {

    private final ThrottledWarning warning = new ThrottledWarning("Alerts cannot be checked now");

    @Inject
    AlertSettings settings;

    /** As the hub started: the checks run at this rate until a restart, whatever a reload says. */
    @ConfigProperty(name = AlertSettings.CHECK_INTERVAL)
    Duration checkInterval;

    @Inject
    Alerts alerts;

    @Inject
    Incidents incidents;

    @Inject
    WebhookSources sources;

    @Inject
    SignatureFailures signatureFailures;

    @Inject
    SharedSignatureFailures sharedSignatureFailures;

    @Inject
    ExpectationWatches watches;

    @Inject
    PortBindings ports;

    @Inject
    RunOperations runs;

    /** As the hub started, as the runs' claims are. */
    @ConfigProperty(name = "switchboard.runs.claim-timeout")
    Duration claimTimeout;

    @Inject
    EventLog events;

    @Inject
    StartupGate gate;

    @Inject
    ParkingQueues parkingQueues;

    @Inject
    ParkedMessages parkedMessages;

    /**
     * Nothing until the rules, models and port bindings have loaded (the {@link StartupGate}):
     * checked against none, every port would look gone and its open incident resolve, to fire
     * again as a new one once the bindings load (a hub restarted while a port was failing paged
     * twice).
     */
    @Scheduled(every = "${switchboard.alerts.check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!gate.isOpen()) {
            return;
        }
        try {
            alerts.sendUnnoticed();
            checkExpectations();
            checkPorts();
            checkSignatures();
            checkDeadRuns();
            checkFailedEvents();
            checkParked();
            checkCallsUnderWay();
        } catch (RuntimeException e) {
            // The database is away, mostly: the next check tries again, and readiness already says
            // so. Left to the scheduler it would be an ERROR with a stack trace at every check.
            warning.log(Failures.root(e));
        }
    }

    /**
     * A source whose events the rules could not judge (a model's error, a condition that failed):
     * they stay FAILED, with no run, until reprocessed. Resolved when none is left.
     */
    void checkFailedEvents() {
        Map<String, Long> failed = events.failedBySource();
        resolveAllBut(FAILED_EVENTS, failed.keySet());
        failed.forEach((source, count) -> alerts.raise(FAILED_EVENTS + source, "events-failed", "Events from " + source
                + " could not be judged", count + " event(s) from " + source + " are FAILED, with no action run: see"
                + " each one's error (events with state FAILED), fix the rule or model, and reprocess them"));
    }

    static final String FAILED_EVENTS = "events-failed:";

    /**
     * A parking queue holding messages: taken from the broker (a queue source's unreadable message,
     * a stream message that is no event, one the broker gave up redelivering or that expired) and
     * acted on by nothing until replayed or discarded. Resolved once it is empty. The routes' own
     * queue is left out: each route has its incident, resolved by the route's next delivery.
     */
    void checkParked() {
        Set<String> holding = new TreeSet<>();
        for (ParkingQueue queue : parkingQueues.all()) {
            if (!queue.name().equals(StreamAddresses.ROUTES_PARKED) && parkedMessages.any(queue)) {
                holding.add(queue.name());
                alerts.raise(PARKED + queue.name(), "parked", "Messages are parked on " + queue.name(),
                        queue.description() + ": see them on the parked page, then replay or discard them");
            }
        }
        resolveAllBut(PARKED, holding);
    }

    static final String PARKED = "parked:";

    /**
     * A port with attempts under way for longer than a run's claim: calls that have not returned
     * (a Kamelet or a JMS send has no timeout of the hub's). Their replicas keep renewing the
     * claims, so the runs are not called again while the calls may still reach the downstream;
     * without this the runs would wait RUNNING, unseen. Resolved when none is left.
     */
    void checkCallsUnderWay() {
        Map<String, List<RunOperations.UnderWay>> byPort = new TreeMap<>();
        runs.underWayLongerThan(claimTimeout).forEach(run -> byPort.computeIfAbsent(run.port(), port -> new ArrayList<>())
                .add(run));
        resolveAllBut(CALLS_UNDER_WAY, byPort.keySet());
        byPort.forEach((port, underWay) -> alerts.raise(CALLS_UNDER_WAY + port, "calls-under-way", "Calls to port "
                + port + " have not returned", underWay.size() + " attempt(s) on port " + port + " have been under way"
                + " for over " + Durations.format(claimTimeout) + " (switchboard.runs.claim-timeout), the longest "
                + Durations.format(underWay.get(0).lasted()) + ": " + underWay.stream().limit(5)
                        .map(run -> "run " + run.run() + " on " + run.replica()).toList()
                + ". They are not called again while the calls may still reach the downstream; restarting"
                + " the replica ends them, and the runs are retried under the same idempotency keys"));
    }

    static final String CALLS_UNDER_WAY = "calls-under-way:";

    void checkDeadRuns() {
        settledDeadRuns().forEach(alerts::clear);
    }

    /** Open dead-run incidents whose run succeeded, was discarded, or is gone. */
    List<String> settledDeadRuns() {
        Map<UUID, String> byRun = new HashMap<>();
        for (String incident : incidents.openNamed(Alerts.DEAD_RUN_PREFIX)) {
            run(incident).ifPresent(run -> byRun.put(run, incident));
        }
        return runs.settled(byRun.keySet()).stream().map(byRun::get).sorted().toList();
    }

    /** The run a dead-run incident is about; none when no run id follows the prefix. */
    private static Optional<UUID> run(String incident) {
        try {
            return Optional.of(UUID.fromString(incident.substring(Alerts.DEAD_RUN_PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void checkPorts() {
        AlertsConfig.Alerts limits = settings.current().alerts();
        Map<String, RunOperations.PortAttempts> attempts = runs.attemptsByPort(limits.portWindow());
        resolveAllBut("port-failure:", ports.names());
        for (String port : ports.names()) {
            RunOperations.PortAttempts counts = attempts.getOrDefault(port, new RunOperations.PortAttempts(0, 0));
            double rate = counts.attempts() == 0 ? 0 : (double) counts.failures() / counts.attempts();
            if (counts.attempts() >= limits.portMinAttempts() && rate > limits.portFailureRate()) {
                alerts.raise("port-failure:" + port, "port-failure", "Port " + port + " is failing",
                        counts.failures() + " of " + counts.attempts() + " attempts failed in the last "
                                + Durations.format(limits.portWindow()));
            } else {
                alerts.clear("port-failure:" + port);
            }
        }
    }

    void checkSignatures() {
        AlertsConfig.Alerts limits = settings.current().alerts();
        Map<String, Integer> mine = new HashMap<>();
        sources.all().keySet().forEach(source -> mine.put(source,
                signatureFailures.within(source, limits.signatureWindow())));
        // A report missed by a check or two is still counted.
        Map<String, Long> all = sharedSignatureFailures.report(mine, checkInterval.multipliedBy(3));
        resolveAllBut("signature-failures:", sources.all().keySet());
        for (String source : sources.all().keySet()) {
            long failures = all.getOrDefault(source, 0L);
            if (failures > limits.signatureFailures()) {
                alerts.raise("signature-failures:" + source, "signature-failures", "Source " + source
                        + " receives requests with bad signatures", failures + " in the last "
                        + Durations.format(limits.signatureWindow()) + " (a rotated secret, or someone probing the endpoint)");
            } else {
                alerts.clear("signature-failures:" + source);
            }
        }
    }

    void checkExpectations() {
        Map<String, AlertsConfig.Expectation> expectations = settings.current().expectations();
        resolveAllBut("expectation:", expectations.keySet());
        expectations.forEach((name, expectation) -> {
            EventLog.Arrival arrival = events.lastArrival(expectation.type(), expectation.source());
            Instant last = arrival.last();
            Instant now = arrival.now();
            Instant watched = watches.since(name, expectation);
            Instant since = last == null || last.isBefore(watched) ? watched : last;
            String incident = "expectation:" + name;
            if (Duration.between(since, now).compareTo(expectation.every()) > 0) {
                alerts.raise(incident, "expectation", "Expected " + expectation.type()
                        + expectation.source().map(source -> " from " + source).orElse("") + " at least every "
                        + Durations.format(expectation.every()), last == null ? "none has arrived since it was first watched at "
                        + watched : "the last arrived at " + last);
            } else {
                alerts.clear(incident);
            }
        });
    }

    /**
     * Resolves the open incidents of this kind whose subject (an expectation, a source, a port) is no longer
     * configured: removed by a reload, or while the hub was down. Nothing else would ever resolve them.
     */
    private void resolveAllBut(String prefix, Set<String> configured) {
        incidents.openNamed(prefix).stream().filter(incident -> !configured.contains(incident.substring(prefix.length())))
                .forEach(alerts::clear);
    }
}
