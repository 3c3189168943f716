package dev.kv.core.membership;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhiAccrualDetectorTest {

    private static PhiAccrualDetector detectorWithRegularBeats(long intervalMillis, int beats) {
        PhiAccrualDetector detector = new PhiAccrualDetector(100, intervalMillis, 100, 0);
        for (int i = 0; i <= beats; i++) {
            detector.heartbeat(i * intervalMillis);
        }
        return detector;
    }

    @Test
    void phiIsLowRightAfterAHeartbeatAndGrowsWithSilence() {
        PhiAccrualDetector detector = detectorWithRegularBeats(1000, 20);
        long last = detector.lastArrivalMillis();
        double early = detector.phi(last + 500);
        double onTime = detector.phi(last + 1000);
        double late = detector.phi(last + 2000);
        double veryLate = detector.phi(last + 4000);
        assertThat(early).isLessThan(0.5);
        assertThat(onTime).isLessThan(late);
        assertThat(late).isLessThan(veryLate);
        assertThat(veryLate).isGreaterThan(8);
    }

    @Test
    void anIrregularRhythmTakesLongerToSuspect() {
        PhiAccrualDetector regular = detectorWithRegularBeats(1000, 30);
        PhiAccrualDetector irregular = new PhiAccrualDetector(100, 1000, 100, 0);
        long t = 0;
        for (int i = 0; i < 30; i++) {
            irregular.heartbeat(t);
            t += i % 2 == 0 ? 400 : 1600;
        }
        irregular.heartbeat(t);
        assertThat(irregular.phi(t + 2500)).isLessThan(regular.phi(regular.lastArrivalMillis() + 2500));
    }

    @Test
    void anAcceptablePauseDelaysSuspicion() {
        PhiAccrualDetector strict = new PhiAccrualDetector(100, 1000, 100, 0);
        PhiAccrualDetector tolerant = new PhiAccrualDetector(100, 1000, 100, 1000);
        for (int i = 0; i <= 10; i++) {
            strict.heartbeat(i * 1000L);
            tolerant.heartbeat(i * 1000L);
        }
        assertThat(tolerant.phi(12_500)).isLessThan(strict.phi(12_500));
    }

    @Test
    void phiIsZeroBeforeAnyHeartbeat() {
        assertThat(new PhiAccrualDetector(10, 1000, 100, 0).phi(1_000_000)).isZero();
    }
}
