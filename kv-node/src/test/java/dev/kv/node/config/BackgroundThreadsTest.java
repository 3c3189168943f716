package dev.kv.node.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Background work runs on platform threads that the kernel schedules after the request threads (Linux, as in CI). */
class BackgroundThreadsTest {

    /** The thread's nice value as the kernel reports it (field 19 of /proc/thread-self/stat). */
    private static int niceOfCurrentThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    @Test
    void aBackgroundThreadIsAPlatformDaemonThreadAtTheLowerPriority() throws Exception {
        ExecutorService worker = BackgroundThreads.single("test-background");
        try {
            Object[] seen = worker.submit(() -> new Object[] {Thread.currentThread().isVirtual(),
                    Thread.currentThread().isDaemon(), Thread.currentThread().getName(), niceOfCurrentThread()})
                    .get(10, TimeUnit.SECONDS);

            assertThat(seen).containsExactly(false, true, "test-background", BackgroundThreads.NICE);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void otherThreadsKeepTheirPriority() throws Exception {
        int before = niceOfCurrentThread();

        boolean[] lowered = {true};
        Thread.ofVirtual().start(() -> lowered[0] = BackgroundThreads.lowerPriorityOfCurrentThread()).join();

        assertThat(lowered[0]).as("a virtual thread's carrier is left alone").isFalse();
        assertThat(niceOfCurrentThread()).isEqualTo(before).isNotEqualTo(BackgroundThreads.NICE);
    }
}
