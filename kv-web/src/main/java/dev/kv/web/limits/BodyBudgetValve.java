package dev.kv.web.limits;

import dev.kv.web.ProblemWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A budget of request body bytes in flight, so that a flood of large requests cannot fill the heap (a hundred
 * concurrent 1 MiB PUTs filled a 96 MiB gateway before): a request with a large body (or one of unknown length, which
 * may be as large as {@code largestBody}) reserves its size before anything reads it and gives it back when it has
 * been answered. When the budget stays spent for {@code wait}, the request is refused with a 503 problem and
 * {@code Retry-After: 1} before anything reads its body into memory (Tomcat discards it, up to
 * {@code server.tomcat.max-swallow-size}, so the client still reads the answer), and counted in
 * {@code kv_limits_refusals_total{limit="body-bytes"}}.
 *
 * <p>Bodies up to {@link #SMALL_BODY_BYTES} pass without a reservation: they are the data path's usual case, and a
 * flood of them is bounded by the connection cap long before it matters to the heap.
 */
public final class BodyBudgetValve extends ValveBase {

    /** Bodies this small pass freely. */
    public static final long SMALL_BODY_BYTES = 64 * 1024;

    private final Semaphore kibibytes;
    private final int budgetPermits;
    private final long largestBody;
    private final long waitNanos;
    private final ProblemWriter problems;
    private final Counter refusals;

    /**
     * @param budgetBytes the body bytes that may be in flight at once
     * @param largestBody the largest body any endpoint accepts (what a body of unknown length reserves)
     * @param waitMillis  how long a request waits for the budget before it is refused
     */
    public BodyBudgetValve(long budgetBytes, long largestBody, long waitMillis, ProblemWriter problems,
                           MeterRegistry registry) {
        super(true);
        int permits = (int) Math.min(Integer.MAX_VALUE, Math.max(1, budgetBytes / 1024));
        this.kibibytes = new Semaphore(permits);
        this.budgetPermits = permits;
        this.largestBody = largestBody;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        this.problems = problems;
        this.refusals = Counter.builder("kv.limits.refusals").tag("limit", "body-bytes")
                .description("requests refused by a limit before any work: body-bytes (too many large bodies in "
                        + "flight), rate (a client over its rate)").register(registry);
        Gauge.builder("kv.limits.body.in.flight", kibibytes, s -> (permits - s.availablePermits()) * 1024.0)
                .baseUnit("bytes").description("request body bytes reserved by requests in flight").register(registry);
        Gauge.builder("kv.limits.body.budget", () -> permits * 1024.0).baseUnit("bytes")
                .description("request body bytes that may be in flight at once").register(registry);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        long declared = request.getContentLengthLong();
        boolean unknownLength = declared < 0 && request.getHeader("Transfer-Encoding") != null;
        if (!unknownLength && declared <= SMALL_BODY_BYTES) {
            getNext().invoke(request, response);
            return;
        }
        long reserved = unknownLength ? largestBody : Math.min(declared, largestBody);
        // A body larger than the whole budget reserves all of it (it would otherwise wait forever).
        int permits = (int) Math.min(budgetPermits, (reserved + 1023) / 1024);
        boolean granted;
        try {
            granted = kibibytes.tryAcquire(permits, waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            granted = false;
        }
        if (!granted) {
            refusals.increment();
            response.setHeader("Retry-After", "1");
            // Tomcat discards the body rather than keeping it; the connection is not worth keeping under a flood.
            response.setHeader("Connection", "close");
            problems.write(response, 503, "overloaded", "Service Unavailable",
                    "too many large request bodies in flight here; try again shortly");
            return;
        }
        try {
            getNext().invoke(request, response);
        } finally {
            kibibytes.release(permits);
        }
    }
}
