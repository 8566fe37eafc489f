package dev.switchboard.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.switchboard.connect.PortBindings;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.RuleFolder;
import dev.switchboard.rules.RuleLoadError;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.rules.RuleSet;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.EventState;

/**
 * Backtests: recorded events judged by the rules in force and by a candidate set, compared
 * ({@link Comparison}). Nothing is sent and nothing is written: connectors are never called, the
 * candidate's models run in read-only transactions with their datasource's statement timeout, and
 * events are read in pages, so memory does not grow with history. One runs at a time, on its own
 * thread; its progress can be polled and it can be cancelled. Kept in memory on the replica that
 * runs it (the last {@value #KEPT} of them).
 */
@ApplicationScoped
public class Backtests {

    private static final Logger LOG = Logger.getLogger(Backtests.class);
    static final int KEPT = 10;
    private static final int PAGE = 1_000;
    /** What an uploaded rule set may name: rule files at the top, models under models/. */
    private static final Pattern UPLOAD_NAME = Pattern.compile(
            "([A-Za-z0-9_.-]{1,100}\\.ya?ml)|(models/[A-Za-z0-9_-]{1,100}\\.sql)");
    /** An uploaded candidate is a rules folder's worth, not a place to store files. */
    static final int MAX_UPLOADED_FILES = 500;
    static final long MAX_UPLOADED_CHARS = 8L << 20;

    /** Which recorded events to judge; every filter given applies. */
    public record Filter(Optional<OffsetDateTime> from, Optional<OffsetDateTime> to, Optional<String> source,
            Optional<String> type) {
    }

    /** A candidate rule set: a folder on the hub, or files sent with the request (name to content). */
    public record Candidate(Optional<Path> folder, Map<String, String> files) {
    }

    public enum State {
        RUNNING, DONE, CANCELLED, FAILED
    }

    /** A backtest as it stands: progress while it runs, the comparison when it ends. */
    public record Status(UUID id, State state, String candidate, long total, long done, Instant startedAt,
            Instant endedAt, Comparison.Report report, String error) {
    }

    /** The candidate did not load: nothing was run. */
    public static class CandidateRejected extends RuntimeException {
        private final List<RuleLoadError> problems;

        CandidateRejected(String message, List<RuleLoadError> problems) {
            super(message);
            this.problems = problems;
        }

        public List<RuleLoadError> problems() {
            return problems;
        }
    }

    /** Another backtest is running; try again when it ends. */
    public static class Busy extends RuntimeException {
        Busy(UUID running) {
            super("backtest " + running + " is still running; wait for it or cancel it");
        }
    }

    private final class Job {
        final UUID id = UUID.randomUUID();
        final String candidate;
        final Instant startedAt = Instant.now();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicLong done = new AtomicLong();
        volatile long total;
        volatile State state = State.RUNNING;
        volatile Instant endedAt;
        volatile Comparison.Report report;
        volatile String error;

        Job(String candidate) {
            this.candidate = candidate;
        }

        Status status() {
            return new Status(id, state, candidate, total, done.get(), startedAt, endedAt, report, error);
        }
    }

    @Inject
    RulesInForce rules;

    @Inject
    ModelRunner models;

    @Inject
    EventLog events;

    @Inject
    PortBindings ports;

    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> thread(task, "switchboard-backtest"));
    private final ExecutorService reader = Executors.newSingleThreadExecutor(task -> thread(task, "switchboard-backtest-reader"));
    private final Map<UUID, Job> jobs = new LinkedHashMap<>();

    @PreDestroy
    void stop() {
        synchronized (this) {
            jobs.values().forEach(job -> job.cancelled.set(true));
        }
        runner.shutdownNow();
        reader.shutdownNow();
    }

    private static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Starts a backtest of the candidate (the rules folder on disk when it names nothing) against
     * the rules in force, over the events of the filter.
     *
     * @throws CandidateRejected when the candidate does not load, with its problems
     * @throws Busy when another backtest is running
     * @throws IllegalArgumentException when an uploaded file's name is not a rule file or model
     */
    public Status start(Candidate candidate, Filter filter, int examples) {
        // Before the candidate is read: a refused request should not cost a parse of all it sent.
        refuseWhileRunning();
        RuleSet before = rules.current();
        String name;
        RuleFolder.Reading reading;
        if (!candidate.files().isEmpty()) {
            name = candidate.files().size() <= 10 ? "uploaded: " + String.join(", ", candidate.files().keySet())
                    : "uploaded: " + candidate.files().size() + " files";
            reading = readUploaded(candidate.files());
        } else {
            Path folder = candidate.folder().map(this::withinConfiguration).orElse(rules.folder());
            name = folder.toString();
            reading = rules.candidate(folder);
        }
        if (!reading.problems().isEmpty()) {
            throw new CandidateRejected("the candidate rules do not load: " + reading.problems().size()
                    + " problem(s)", reading.problems());
        }
        Job job;
        synchronized (this) {
            refuseWhileRunning();
            job = new Job(name);
            jobs.put(job.id, job);
            while (jobs.size() > KEPT) {
                jobs.remove(jobs.keySet().iterator().next());
            }
        }
        runner.execute(() -> run(job, before, reading.rules(), filter, examples));
        return job.status();
    }

    private synchronized void refuseWhileRunning() {
        Optional<Job> running = jobs.values().stream().filter(j -> j.state == State.RUNNING).findFirst();
        if (running.isPresent()) {
            throw new Busy(running.get().id);
        }
    }

    /**
     * A candidate folder on the hub lies in the configuration folder that holds the rules folder
     * (a sibling such as {@code rules-next}, or the rules folder itself), by its real path: a
     * backtest reads every YAML file of the folder it is given and names what it finds wrong in
     * them, which must not make it a reader of any directory the hub's user can open.
     */
    private Path withinConfiguration(Path folder) {
        Path configuration = rules.folder().toAbsolutePath().normalize().getParent();
        try {
            Path real = folder.isAbsolute() ? folder.toRealPath() : configuration.resolve(folder).toRealPath();
            Path around = configuration.toRealPath();
            // A rules folder at the root (/rules) has no folder of its own around it: only itself.
            boolean beside = around.getParent() != null && real.startsWith(around);
            if (Files.isDirectory(real) && (beside || real.equals(rules.folder().toRealPath()))) {
                return real;
            }
        } catch (IOException | RuntimeException e) {
            // Refused below, saying the same as for a folder outside: whether it exists is not told.
        }
        throw new IllegalArgumentException("folder must be a folder in " + configuration
                + " (where the rules folder is), such as a copy of the rules folder with the change");
    }

    public synchronized Optional<Status> find(UUID id) {
        return Optional.ofNullable(jobs.get(id)).map(Job::status);
    }

    /** The kept backtests, newest first. */
    public synchronized List<Status> all() {
        List<Status> all = new ArrayList<>(jobs.values().stream().map(Job::status).toList());
        all.sort(Comparator.comparing(Status::startedAt).reversed());
        return all;
    }

    /** Asks a running backtest to stop after the event it is at; its figures so far are kept. */
    public synchronized Optional<Status> cancel(UUID id) {
        Job job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        job.cancelled.set(true);
        return Optional.of(job.status());
    }

    private void run(Job job, RuleSet before, RuleSet after, Filter filter, int examples) {
        // Both sets' actions go to the ports bound now: a candidate is checked against them too.
        Comparison comparison = new Comparison(before, after, examples, (port, document) -> ports.find(port)
                .flatMap(binding -> binding.connector().target(binding.settings(), document)));
        try {
            EventLog.Selection selection = new EventLog.Selection(Arrays.asList(EventState.values()), filter.source(),
                    filter.type(), filter.from(), filter.to(), Optional.empty());
            job.total = events.count(selection);
            List<EventLog.Stored> page = events.select(selection, PAGE);
            while (!page.isEmpty() && !job.cancelled.get()) {
                // The next page is read while this one is judged: the database and the rules overlap.
                EventLog.Position last = page.get(page.size() - 1).position();
                CompletableFuture<List<EventLog.Stored>> next = CompletableFuture.supplyAsync(
                        () -> events.select(selection.startingAfter(Optional.of(last)), PAGE), reader);
                try (ModelRunner.ReadOnlySession models = this.models.readOnlySession()) {
                    for (EventLog.Stored stored : page) {
                        if (job.cancelled.get()) {
                            break;
                        }
                        comparison.judge(stored.envelope(), models);
                        job.done.incrementAndGet();
                    }
                }
                page = next.join();
            }
            job.report = comparison.report();
            job.state = job.cancelled.get() ? State.CANCELLED : State.DONE;
        } catch (RuntimeException | Error e) {
            // Whatever ends the job (a condition recursing without end is the evaluator's to catch),
            // it is FAILED, saying why, and never left RUNNING to refuse every later backtest as busy.
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
            LOG.warnf("Backtest %s failed: %s", job.id, reason);
            job.report = comparison.report();
            job.error = reason;
            job.state = State.FAILED;
        } finally {
            job.endedAt = Instant.now();
        }
    }

    private RuleFolder.Reading readUploaded(Map<String, String> files) {
        Path dir;
        try {
            dir = Files.createTempDirectory("switchboard-backtest");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a folder for the uploaded rules", e);
        }
        try {
            Files.createDirectories(dir.resolve("models"));
            long chars = files.values().stream().mapToLong(text -> text == null ? 0 : text.length()).sum();
            if (files.size() > MAX_UPLOADED_FILES || chars > MAX_UPLOADED_CHARS) {
                throw new IllegalArgumentException("an uploaded candidate holds at most " + MAX_UPLOADED_FILES
                        + " files and " + (MAX_UPLOADED_CHARS >> 20) + " MB of text; this one has " + files.size()
                        + " files and " + chars + " characters");
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                if (!UPLOAD_NAME.matcher(file.getKey()).matches()) {
                    throw new IllegalArgumentException("'" + file.getKey() + "' is neither a rule file (NAME.yaml) "
                            + "nor a model (models/NAME.sql)");
                }
                if (file.getValue() == null) {
                    throw new IllegalArgumentException("'" + file.getKey() + "' has no text");
                }
                if (!StandardCharsets.UTF_8.newEncoder().canEncode(file.getValue())) {
                    // JSON can carry an unpaired surrogate (\ud800); no file can.
                    throw new IllegalArgumentException("'" + file.getKey() + "' is not text: it holds an unpaired surrogate");
                }
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            RuleFolder.Reading reading = rules.candidate(dir);
            // Problems name the files as they were sent, not the folder they were written to.
            String prefix = dir.toAbsolutePath() + "/";
            return new RuleFolder.Reading(reading.rules(), reading.problems().stream()
                    .map(p -> new RuleLoadError(p.file().replace(prefix, ""), p.line(), p.reason())).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the uploaded rules", e);
        } finally {
            try (Stream<Path> written = Files.walk(dir)) {
                written.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // A temporary folder left behind holds only what the operator sent.
            }
        }
    }
}
