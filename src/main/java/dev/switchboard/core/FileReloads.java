package dev.switchboard.core;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;

/**
 * The one poller of what the hub loads from disk (rules, models and the operator's file; routes):
 * each registers its {@link FileWatch} and its reload, and is reloaded when its files changed, at
 * its own interval. A check still running when the next is due is skipped, not stacked.
 */
@ApplicationScoped
public class FileReloads {

    @Inject
    Scheduler scheduler;

    /**
     * From now on, every {@code interval}, runs {@code reloadIfChanged}: the owner looks at its
     * {@link FileWatch} and reloads under one lock of its own, the lock its reload on demand takes,
     * so that a look taken while a reload runs cannot load the same files a second time.
     */
    public void every(String job, Duration interval, Runnable reloadIfChanged) {
        scheduler.newJob(job).setInterval(interval.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> reloadIfChanged.run())
                .schedule();
    }
}
