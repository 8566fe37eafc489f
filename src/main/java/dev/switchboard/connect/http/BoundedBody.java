package dev.switchboard.connect.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body read up to a number of bytes, as text; past them the response is abandoned
 * (the connection is closed), never read further, so a downstream answering with gigabytes, or
 * without end, costs the hub that many bytes and no more. The attempt keeps an excerpt anyway.
 * <p>
 * And read by a deadline: the client's own timeout ends once the headers are in, so a body that
 * stalls after them would hold the attempt (and its worker) for as long as the server likes. At
 * the deadline the body fails with the client's own timeout exception and the response is abandoned.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

    /** One daemon thread for every body's deadline: each is a timer task, cancelled when the body ends. */
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private final int limit;
    private final long deadlineNanos;
    private final String timeout;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ScheduledFuture<?> expiry;

    private BoundedBody(int limit, long deadlineNanos, String timeout) {
        this.limit = limit;
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
    }

    /**
     * @param deadlineNanos by when ({@link System#nanoTime()}) the whole answer must be in
     * @param timeout       the port's timeout, as the error says it
     */
    static HttpResponse.BodyHandler<String> upTo(int limit, long deadlineNanos, String timeout) {
        return response -> new BoundedBody(limit, deadlineNanos, timeout);
    }

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, work -> {
            Thread thread = new Thread(work, "http-body-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    public CompletionStage<String> getBody() {
        return text;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        expiry = DEADLINES.schedule(this::expire, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        subscription.request(1);
    }

    /** As the client's own timeout says it, so that an attempt's error reads the same either way. */
    private void expire() {
        if (text.completeExceptionally(new HttpTimeoutException("request timed out (no complete answer within "
                + timeout + ")"))) {
            subscription.cancel();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int take = Math.min(buffer.remaining(), limit - kept.size());
            byte[] bytes = new byte[take];
            buffer.get(bytes);
            kept.write(bytes, 0, take);
        }
        if (kept.size() >= limit) {
            // Completed first: over HTTP/2 the cancel resets the stream, which would otherwise
            // fail the whole response instead of ending its body.
            complete();
            subscription.cancel();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        endDeadline();
        text.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        complete();
    }

    /** UTF-8, as most APIs answer; a character cut at the limit becomes a replacement character. */
    private void complete() {
        endDeadline();
        text.complete(kept.toString(StandardCharsets.UTF_8));
    }

    private void endDeadline() {
        if (expiry != null) {
            expiry.cancel(false);
        }
    }
}
