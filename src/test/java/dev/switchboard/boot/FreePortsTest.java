package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void anEmbeddedServersFreePortLiesAboveThePortsOfOutgoingConnections() {
        FreePorts.Range outgoing = FreePorts.outgoing();
        assertTrue(outgoing.from() > 1024 && outgoing.to() >= outgoing.from(), outgoing.toString());
        assumeTrue(FreePorts.HIGHEST - outgoing.to() >= FreePorts.ENOUGH, "no room above " + outgoing + " here");
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.pick();
            assertTrue(port > outgoing.to() && port <= FreePorts.HIGHEST, port + " within or below " + outgoing);
            assertTrue(FreePorts.isFree(port), port + " is taken");
            assertTrue(picked.add(port), port + " picked twice");
        }
    }

    @Test
    void aPortSomethingListensOnIsNeverPickedEvenWhenEveryPortAboveTheRangeIsTaken() throws IOException {
        // The smallest room above the range that is still used: every one of its ports taken.
        FreePorts.Range outgoing = new FreePorts.Range(1024, FreePorts.HIGHEST - FreePorts.ENOUGH);
        List<ServerSocket> listeners = new ArrayList<>();
        try {
            for (int port = outgoing.to() + 1; port <= FreePorts.HIGHEST; port++) {
                try {
                    listeners.add(new ServerSocket(port));
                } catch (IOException alreadyTaken) {
                    // taken by someone else: as good
                }
            }
            for (int port = outgoing.to() + 1; port <= FreePorts.HIGHEST; port++) {
                assertFalse(FreePorts.isFree(port), "port " + port + " was left free");
            }
            int port = FreePorts.pick(outgoing);
            assertTrue(port <= outgoing.to(), "picked " + port + ", which listens");
            assertTrue(FreePorts.isFree(port), port + " is taken");
        } finally {
            for (ServerSocket listener : listeners) {
                listener.close();
            }
        }
    }

    @Test
    void whereTheRangeLeavesNoRoomAboveItTheKernelPicks() {
        int port = FreePorts.pick(new FreePorts.Range(1024, FreePorts.HIGHEST));
        assertTrue(port > 0 && FreePorts.isFree(port), Integer.toString(port));
    }
}
