package dev.switchboard.runs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * On the embedded database a hub ends at startup the claims of its machine's hubs that no longer
 * run: which claimers those are, read from the name a claim records ({@code pid@host/uuid}).
 */
class ReplicaBeatsTest {

    static final String SELF = RunDispatcher.NODE;
    static final String HOST = SELF.substring(SELF.indexOf('@'), SELF.lastIndexOf('/'));

    @Test
    void aProcessOfThisMachineThatHasEndedIsGone() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertTrue(ReplicaBeats.goneFromThisMachine(ended.pid() + HOST + "/an-earlier-hub"));
    }

    @Test
    void anEarlierHubWithThisProcesssPidIsGoneAndThisOneIsNot() {
        // A container restarted in place runs its hub under the same pid again.
        assertTrue(ReplicaBeats.goneFromThisMachine(ProcessHandle.current().pid() + HOST + "/an-earlier-hub"));
        assertFalse(ReplicaBeats.goneFromThisMachine(SELF));
    }

    @Test
    void aRunningProcessAnotherMachineAndANameOfAnotherFormAreNotGone() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertFalse(ReplicaBeats.goneFromThisMachine(parent + HOST + "/a-hub-that-still-runs"));
        assertFalse(ReplicaBeats.goneFromThisMachine("1@another-machine/some-hub"));
        assertFalse(ReplicaBeats.goneFromThisMachine("another-replica"));
        assertFalse(ReplicaBeats.goneFromThisMachine("x" + HOST + "/not-a-pid"));
    }
}
