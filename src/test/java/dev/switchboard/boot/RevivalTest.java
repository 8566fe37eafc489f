package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * When a dead service is started again: at once, then after waits of 1 s doubling to 30 s while
 * it fails, for as long as it fails; a later death starts from 1 s again. The watchdog checks
 * every second; here the clock is the test's, one check per simulated second.
 */
class RevivalTest {

    static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    /** A service that dies when told and starts at its {@code startsAt}-th attempt (0: never). */
    static final class Service {
        boolean dead;
        int startsAt;
        final List<Long> attempts = new ArrayList<>();
        Instant now = T0;

        boolean start() {
            attempts.add(Duration.between(T0, now).toSeconds());
            if (startsAt == 0 || attempts.size() < startsAt) {
                throw new IllegalStateException("not yet");
            }
            dead = false;
            return true;
        }
    }

    @Test
    void aServiceThatCannotStartIsTriedAtOnceThenAfterOneTwoFourSecondsAndSoOnUpToThirty() {
        Service service = new Service();
        service.dead = true;
        Revival revival = new Revival("test service", () -> service.dead, service::start);

        for (int second = 0; second <= 130; second++) {
            service.now = T0.plusSeconds(second);
            revival.check(service.now);
        }

        assertEquals(List.of(0L, 1L, 3L, 7L, 15L, 31L, 61L, 91L, 121L), service.attempts);
    }

    @Test
    void aServiceThatStartsAgainIsLeftAloneAndItsNextDeathStartsWithAOneSecondWait() {
        Service service = new Service();
        service.dead = true;
        service.startsAt = 3;
        Revival revival = new Revival("test service", () -> service.dead, service::start);
        for (int second = 0; second <= 20; second++) {
            service.now = T0.plusSeconds(second);
            revival.check(service.now);
        }
        assertEquals(List.of(0L, 1L, 3L), service.attempts, "running from the third attempt: no more");

        service.attempts.clear();
        service.dead = true;
        service.startsAt = 0;
        for (int second = 21; second <= 25; second++) {
            service.now = T0.plusSeconds(second);
            revival.check(service.now);
        }
        assertEquals(List.of(21L, 22L, 24L), service.attempts);
    }

    @Test
    void aLiveServiceIsNeverStarted() {
        Service service = new Service();
        Revival revival = new Revival("test service", () -> service.dead, service::start);
        for (int second = 0; second <= 10; second++) {
            revival.check(T0.plusSeconds(second));
        }
        assertEquals(List.of(), service.attempts);
    }
}
