package dev.zkinfer.bench.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark's "JIT still busy" test ({@link BenchHarness.JitWatch}): the share over the last 2 s of runs. */
class JitWatchTest {
    @Test
    void busyWhileTheLastTwoSecondsOfRunsHadMoreThanFivePercentOfCompilation() {
        BenchHarness.JitWatch w = new BenchHarness.JitWatch();
        assertFalse(w.busy(), "no run yet");
        w.record(600, 100);
        assertTrue(w.busy(), "a run that compiled more than it ran");
        // quiet 100 ms runs: the window reaches back 2 s, so the burst counts until 20 quiet runs follow it
        for (int i = 0; i < 19; i++) {
            w.record(0, 100);
        }
        assertTrue(w.busy(), "600 ms of compilation in the last 2 s of runs");
        w.record(0, 100);
        assertFalse(w.busy(), "the burst is out of the 2 s window");
        // at the edge: 5 % is settled, more is busy
        w.record(100, 2000);
        assertFalse(w.busy(), "exactly 5 %");
        w.record(101, 2000);
        assertTrue(w.busy(), "just above 5 %");
    }

    @Test
    void aLongRunIsItsOwnWindow() {
        BenchHarness.JitWatch w = new BenchHarness.JitWatch();
        w.record(2000, 1000);
        w.record(100, 5000);
        assertFalse(w.busy(), "a 5 s run with 2 % compilation: the earlier burst is outside its window");
        w.record(400, 5000);
        assertTrue(w.busy(), "8 %");
    }
}
