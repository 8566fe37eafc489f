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

    /** From now on, every {@code interval}, runs {@code reload} if {@code files} changed since the last look. */
    public void every(String job, Duration interval, FileWatch files, Runnable reload) {
        scheduler.newJob(job).setInterval(interval.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> {
                    if (files.changed()) {
                        reload.run();
                    }
                })
                .schedule();
    }
}
