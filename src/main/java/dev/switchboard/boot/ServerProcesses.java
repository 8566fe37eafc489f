package dev.switchboard.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The processes of a PostgreSQL server on a data directory, found by their working directory: the
 * postmaster moves into its data directory at start, and every process it forks inherits that. After
 * the postmaster died they may outlive it for a while (a backend notices only at its next wait), and
 * while one of them still holds the old server's shared memory a new server refuses to start.
 *
 * <p>Only {@code postgres} processes count (an operator's shell may be in that directory too). Read
 * from {@code /proc/<pid>/cwd}, so only on Linux; elsewhere none are known and a start is simply
 * attempted. Exited processes not yet reaped (zombies) have no working directory and hold no
 * shared memory: they are not listed.
 */
final class ServerProcesses {

    private static final Path PROC = Path.of("/proc");

    private ServerProcesses() {
    }

    static List<ProcessHandle> in(Path dataDirectory) {
        if (!Files.isDirectory(PROC)) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(process -> process.pid() != self && Postmaster.isPostgres(process)
                        && worksIn(process, dataDirectory))
                .toList();
    }

    private static boolean worksIn(ProcessHandle process, Path dataDirectory) {
        try {
            return Files.isSameFile(PROC.resolve(Long.toString(process.pid())).resolve("cwd"), dataDirectory);
        } catch (IOException | SecurityException goneOrNotOurs) {
            return false;
        }
    }
}
