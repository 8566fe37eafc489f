package dev.switchboard.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster a data directory's {@code postmaster.pid} names, as the operating system sees it.
 * The file outlives a postmaster killed with SIGKILL, so the process it names may be gone or, once
 * its pid is reused (after a reboot, or in a new container), another program.
 */
final class Postmaster {

    static final String PID_FILE = "postmaster.pid";

    private Postmaster() {
    }

    /** The live process the data directory's {@code postmaster.pid} names; empty without the file or the process. */
    static Optional<ProcessHandle> named(Path dataDirectory) {
        Path file = dataDirectory.resolve(PID_FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException absent) {
            return Optional.empty();
        }
        try {
            // The first line is the pid (negative for a single-user backend, which is no postmaster).
            long pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
            return pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive) : Optional.empty();
        } catch (NumberFormatException halfWritten) {
            return Optional.empty();
        }
    }

    /**
     * Whether the process is a PostgreSQL server started on this data directory: its executable is
     * {@code postgres} and its arguments hold {@code -D} and this directory's absolute path (what
     * {@link EmbeddedDatabase} starts it with). A process whose command line cannot be read (another
     * user's, or an operating system that does not tell) is not recognised.
     */
    static boolean serves(ProcessHandle process, Path dataDirectory) {
        Optional<String[]> known = process.info().arguments();
        if (!isPostgres(process) || known.isEmpty()) {
            return false;
        }
        String[] arguments = known.get();
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("-D") && isDirectory(arguments[i + 1], dataDirectory)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the process runs the {@code postgres} executable (a postmaster, or one of its children). */
    static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(command -> Path.of(command).getFileName().toString())
                .filter(name -> name.equals("postgres") || name.equals("postgres.exe")).isPresent();
    }

    /** A relative path would be relative to that process's working directory, which is not ours: not recognised. */
    private static boolean isDirectory(String argument, Path dataDirectory) {
        Path path = Path.of(argument);
        try {
            return path.isAbsolute() && Files.isSameFile(path, dataDirectory);
        } catch (IOException unreadable) {
            return false;
        }
    }
}
