package dev.kv.core.membership;

/**
 * The phi-accrual failure detector (Hayashibara et al., 2004) in the form Akka uses: heartbeat inter-arrival times
 * are modelled as a normal distribution, and phi = -log10(P(no heartbeat for this long | the node is alive)). phi 1
 * means a 10% chance the node is alive but silent, phi 8 one in 10^8. Unlike a fixed timeout, the threshold adapts to
 * the observed gossip rhythm.
 *
 * <p>Two floors keep a quiet, regular network from making the detector trigger-happy: the standard deviation never
 * drops below {@code minStdDeviationMillis}, and {@code acceptablePauseMillis} is added to the mean (a GC pause of
 * that length is not a failure). Pure: time is passed in; not thread-safe (the owner synchronises).
 */
public final class PhiAccrualDetector {

    private final long[] intervals;
    private final long minStdDeviationMillis;
    private final long acceptablePauseMillis;
    private int count;
    private int next;
    private long sum;
    private long sumOfSquares;
    private long lastArrivalMillis = -1;

    public PhiAccrualDetector(int windowSize, long firstIntervalMillis, long minStdDeviationMillis,
                              long acceptablePauseMillis) {
        this.intervals = new long[windowSize];
        this.minStdDeviationMillis = minStdDeviationMillis;
        this.acceptablePauseMillis = acceptablePauseMillis;
        // Seed with a plausible rhythm so the first heartbeats do not judge from one sample (as Akka does).
        record(firstIntervalMillis - firstIntervalMillis / 4);
        record(firstIntervalMillis + firstIntervalMillis / 4);
    }

    /** A heartbeat arrived at {@code nowMillis}. */
    public void heartbeat(long nowMillis) {
        if (lastArrivalMillis >= 0 && nowMillis > lastArrivalMillis) {
            record(nowMillis - lastArrivalMillis);
        }
        lastArrivalMillis = nowMillis;
    }

    public boolean hasHeartbeat() {
        return lastArrivalMillis >= 0;
    }

    public long lastArrivalMillis() {
        return lastArrivalMillis;
    }

    /** Suspicion at {@code nowMillis}; 0 before the first heartbeat. */
    public double phi(long nowMillis) {
        if (lastArrivalMillis < 0) {
            return 0;
        }
        double elapsed = nowMillis - lastArrivalMillis;
        double mean = (double) sum / count + acceptablePauseMillis;
        double variance = Math.max(0, (double) sumOfSquares / count - Math.pow((double) sum / count, 2));
        double deviation = Math.max(Math.sqrt(variance), minStdDeviationMillis);
        // Logistic approximation of the normal CDF's tail (Bowling et al., 2009), as in Akka.
        double y = (elapsed - mean) / deviation;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        double tail = elapsed > mean ? e / (1.0 + e) : 1.0 - 1.0 / (1.0 + e);
        return -Math.log10(Math.max(tail, Double.MIN_NORMAL));
    }

    private void record(long interval) {
        if (count == intervals.length) {
            long evicted = intervals[next];
            sum -= evicted;
            sumOfSquares -= evicted * evicted;
        } else {
            count++;
        }
        intervals[next] = interval;
        next = (next + 1) % intervals.length;
        sum += interval;
        sumOfSquares += interval * interval;
    }
}
