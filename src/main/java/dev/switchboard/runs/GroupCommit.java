package dev.switchboard.runs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.Durations;
import dev.switchboard.core.OverloadedException;
import dev.switchboard.core.UnconfirmedException;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Many callers, one commit: each caller hands in an item and waits; one writer thread takes what
 * has queued up (at most {@code size} items, waiting at most {@code linger} for more after the
 * first), writes it all in one transaction, and answers every caller of the batch with its own
 * result once that transaction has committed, or with the batch's failure. This is PostgreSQL's
 * group commit (and Kafka's producer linger) done one level up, where it saves a whole round trip
 * and transaction per item rather than only the fsync.
 *
 * <p>A batch refused for its data ({@link DatabaseErrors#isBadData}) is written again item by
 * item, so that only the bad item's caller gets the refusal; any other failure (an outage) fails
 * the whole batch at once.
 *
 * <p>Under light load a batch is one item and waits no linger beyond the first; under heavy load
 * the queue fills while a batch commits, so the next batch is large without waiting. Several
 * writers take batches from the one queue, so that one batch's commit (its fsync, and the CPU its
 * thread waits for on a busy machine) overlaps the next batch's statements: a single writer
 * capped acceptance at one batch per commit latency (bench/steps.md, step 16).
 *
 * @param <T> what a caller hands in
 * @param <R> what each caller is answered
 */
final class GroupCommit<T, R> {

    /** Writes a batch in one transaction; returns one result per item, in order, or throws. */
    @FunctionalInterface
    interface BatchWriter<T, R> {
        List<R> write(List<T> batch) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private record Pending<T, R>(T item, CompletableFuture<R> answer) {
    }

    private final String stage;
    private final int size;
    private final long lingerNanos;
    private final BatchWriter<T, R> writer;
    private final BlockingQueue<Pending<T, R>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final DistributionSummary batchSizes;
    private final Timer lingers;
    private volatile boolean running = true;

    GroupCommit(String stage, int size, Duration linger, int writers, int capacity, BatchWriter<T, R> writer,
            MeterRegistry registry) {
        if (size < 1) {
            throw new IllegalArgumentException("The batch size of " + stage + " must be at least 1, not " + size);
        }
        this.stage = stage;
        this.size = size;
        this.lingerNanos = linger.toNanos();
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(Math.max(capacity, size));
        this.batchSizes = DistributionSummary.builder("switchboard.batch.size").tag("stage", stage)
                .description("Items written in one transaction").publishPercentileHistogram()
                .register(registry);
        this.lingers = Timer.builder("switchboard.batch.linger").tag("stage", stage)
                .description("From a batch's first item to the start of its write").publishPercentileHistogram()
                .register(registry);
        for (int i = 0; i < Math.max(1, writers); i++) {
            Thread thread = new Thread(this::run, "switchboard-batch-" + stage + "-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    /**
     * Hands in an item and waits for its batch's commit, at most {@code timeout}.
     *
     * @throws Overloaded when the queue is full: the caller should refuse, not wait
     * @throws UnconfirmedException when the batch has not committed within {@code timeout}
     * @throws Exception the batch's failure, as thrown by the writer
     */
    R submit(T item, Duration timeout) throws Exception {
        CompletableFuture<R> answer = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending<>(item, answer))) {
            throw new Overloaded(stage);
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            // Its batch may still commit: the caller cannot tell, just as after a lost connection.
            throw new UnconfirmedException("The " + stage + " batch did not commit within " + Durations.format(timeout), e);
        }
    }

    /** Whether {@link #stop()} was called: nothing more will be written. */
    boolean stopped() {
        return !running;
    }

    void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(size);
        while (running) {
            try {
                Pending<T, R> first = queue.take();
                long start = System.nanoTime();
                batch.add(first);
                queue.drainTo(batch, size - 1);
                long deadline = start + lingerNanos;
                while (batch.size() < size && lingerNanos > 0) {
                    long left = deadline - System.nanoTime();
                    Pending<T, R> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, size - batch.size());
                }
                lingers.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                batchSizes.record(batch.size());
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        List<Pending<T, R>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(pending -> pending.answer().completeExceptionally(new Overloaded(stage)));
    }

    private void write(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        batch.forEach(pending -> items.add(pending.item()));
        try {
            List<R> results = writer.write(items);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(results.get(i));
            }
        } catch (Exception | Error e) {
            if (batch.size() > 1 && DatabaseErrors.isBadData(e)) {
                // One item's data spoiled the batch: the others must not pay for it.
                batch.forEach(pending -> write(List.of(pending)));
            } else {
                LOG.debugf(e, "A %s batch of %d failed", stage, batch.size());
                batch.forEach(pending -> pending.answer().completeExceptionally(e));
            }
        }
    }

    /** The queue of a stage is full, or the stage has stopped: nothing was written. */
    static final class Overloaded extends OverloadedException {
        Overloaded(String stage) {
            super("The " + stage + " stage is full or stopping; nothing was written");
        }
    }
}
