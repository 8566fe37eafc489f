package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports for the embedded servers when the configuration leaves them free (port 0).
 *
 * <p>Chosen above the range the kernel takes the local ports of outgoing connections from
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default on Linux), among IANA's
 * dynamic ports, where no registered service listens. A port from {@code new ServerSocket(0)} lies
 * inside that range, and a server started again on its old port after a crash (the watchdog
 * reviving the database, a broker restarted) could find it taken in between by any client's
 * connection, and not start until that connection ends (Artemis: AMQ229230, failed to bind
 * acceptor; a test's backup broker once did).
 */
public final class FreePorts {

    /** The ports of outgoing connections, both ends included. */
    public record Range(int from, int to) {
    }

    static final int HIGHEST = 65_535;
    /** Fewer ports than this above the range, and the kernel's choice is as good. */
    static final int ENOUGH = 1_000;
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Range LINUX_DEFAULT = new Range(32_768, 60_999);
    private static final Random RANDOM = new Random();
    /**
     * The broker's two ports are picked before either is bound, and tests pick theirs from here
     * too: never the same port twice in one JVM.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * A port nothing listens on now and not picked before: above {@link #outgoing()}, or where that
     * has no room, or outside Linux, the kernel's pick.
     */
    public static int pick() {
        return Files.isReadable(RANGE) ? pick(outgoing()) : kernelPick();
    }

    static int pick(Range outgoing) {
        return pickBetween(outgoing.to() + 1, HIGHEST);
    }

    /**
     * A port from {@code from} to {@code to} (both included) nothing listens on now and not picked
     * before in this JVM; the kernel's pick where that range holds fewer than {@link #ENOUGH}.
     */
    public static int pickBetween(int from, int to) {
        for (int tries = 0; to - from + 1 >= ENOUGH && tries < 1_000; tries++) {
            int port = from + RANDOM.nextInt(to - from + 1);
            if (HANDED_OUT.add(port) && isFree(port)) {
                return port;
            }
        }
        return kernelPick();
    }

    private static int kernelPick() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /**
     * The range of outgoing connections' local ports (Linux's default where it cannot be read).
     * Read by line: {@code Files.readString} returns only the first byte of this file.
     */
    public static Range outgoing() {
        try {
            String[] range = Files.readAllLines(RANGE).get(0)
                    .trim().split("\\s+");
            return new Range(Integer.parseInt(range[0]), Integer.parseInt(range[1]));
        } catch (IOException | RuntimeException unreadable) {
            return LINUX_DEFAULT;
        }
    }

    /** Whether nothing listens on {@code port} now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
