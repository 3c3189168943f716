package dev.kv.it.robustness;

import dev.kv.it.KvNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Waiting for a node armed with a crashing failpoint to reach it. */
final class Crashes {

    private Crashes() {
    }

    /** Waits until the node's process is gone, and checks from its log that the failpoint is what ended it. */
    static void awaitCrashAt(KvNode node, String failpoint, Duration within) {
        await(node.id() + " crashes at " + failpoint).atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> !node.isRunning());
        assertThat(node.logText()).as(node.id() + "'s log").contains("failpoint " + failpoint + ": crashing");
    }
}
