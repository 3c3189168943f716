package dev.kv.node.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Threads for a node's long, CPU-heavy background work (range streaming, cleanup, Merkle tree rebuilds): platform
 * threads, never virtual ones, and at a lower CPU priority than the threads that serve requests.
 *
 * <p>Platform, because the node serves requests on virtual threads and a virtual thread is never preempted: a rebuild
 * scanning a million records for 25 s on one would hold one of the two carrier threads of a 2-core machine for all
 * that time, and two such jobs would stop every request and every gossip round (measured: p99 3.7 s for a minute
 * after a join). Lower priority ({@value #NICE} on Linux, through {@code setpriority} on the thread's id, where the
 * C library offers it; nothing elsewhere), because a change of membership should cost clients as little as possible:
 * the background work takes the CPU the requests leave.
 */
public final class BackgroundThreads {

    private static final Logger log = LoggerFactory.getLogger(BackgroundThreads.class);
    /** The Linux nice value of background threads: 0 is the default, 19 the lowest priority. */
    static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle SET_PRIORITY;
    private static final MethodHandle GET_TID;

    static {
        MethodHandle set = null;
        MethodHandle tid = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            set = libc.find("setpriority").map(address -> linker.downcallHandle(address, FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
            tid = libc.find("gettid").map(address -> linker.downcallHandle(address,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            log.debug("background threads keep the normal priority: {}", e.toString());
        }
        SET_PRIORITY = set;
        GET_TID = tid;
    }

    private BackgroundThreads() {
    }

    /** One platform daemon thread called {@code name}, at background priority. */
    public static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(factory(name));
    }

    public static ThreadFactory factory(String name) {
        return task -> {
            Thread thread = new Thread(() -> {
                lowerPriorityOfCurrentThread();
                task.run();
            }, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Lowers the calling platform thread's CPU priority; answers whether it did (false where that is unavailable). */
    public static boolean lowerPriorityOfCurrentThread() {
        if (SET_PRIORITY == null || GET_TID == null || Thread.currentThread().isVirtual()) {
            return false;
        }
        try {
            int threadId = (int) GET_TID.invokeExact();
            return (int) SET_PRIORITY.invokeExact(PRIO_PROCESS, threadId, NICE) == 0;
        } catch (Throwable e) {
            log.debug("could not lower the priority of {}: {}", Thread.currentThread().getName(), e.toString());
            return false;
        }
    }
}
