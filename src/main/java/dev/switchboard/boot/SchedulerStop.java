package dev.switchboard.boot;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Pauses every {@code @Scheduled} job as the hub starts to stop. Without it a job (a reload check,
 * an alert check) fired in the second or two the stop takes runs once the container is gone, and
 * the scheduler logs "Error Occurred After Shutdown" with a stack trace (seen in the stop that
 * ShippedExampleIT checks, on a loaded machine). Observed before everything else that stops, so
 * nothing new starts meanwhile.
 */
@ApplicationScoped
public class SchedulerStop {

    @Inject
    Scheduler scheduler;

    void pauseJobs(@Observes @Priority(1) ShutdownEvent event) {
        scheduler.pause();
    }
}
