package dev.kv.core.replica;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PurgeClearanceTest {

    private static final String RANGE = "n1+n2+n3";
    private static final List<String> PEERS = List.of("n2", "n3");

    private final PurgeClearance clearance = new PurgeClearance(1_000);

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void completeExchange(String range, String peer) {
        clearance.exchangeCompleted(range, peer, clearance.exchangeStarted());
    }

    @Test
    void aCandidateIsClearedOnlyOnceEveryPeerCompletedAnExchangeStartedAfterItWasSeen() {
        completeExchange(RANGE, "n2");
        completeExchange(RANGE, "n3");
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).as("first sighting").isFalse();
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).as("exchanges before the sighting count for nothing")
                .isFalse();

        completeExchange(RANGE, "n2");
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).as("n3 not exchanged since").isFalse();
        completeExchange(RANGE, "n3");
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).isTrue();
        assertThat(clearance.waiting()).isZero();
    }

    @Test
    void anExchangeThatStartedBeforeTheSightingDoesNotCountEvenIfItCompletesAfter() {
        long early = clearance.exchangeStarted();
        assertThat(clearance.cleared(key("k"), RANGE, List.of("n2"))).isFalse();
        clearance.exchangeCompleted(RANGE, "n2", early);
        assertThat(clearance.cleared(key("k"), RANGE, List.of("n2"))).isFalse();
    }

    @Test
    void aFailedExchangeLeavesTheCandidateWaiting() {
        assertThat(clearance.cleared(key("k"), RANGE, List.of("n2"))).isFalse();
        clearance.exchangeStarted(); // failed: never reported complete
        assertThat(clearance.cleared(key("k"), RANGE, List.of("n2"))).isFalse();
        assertThat(clearance.waiting()).isOne();
    }

    @Test
    void exchangesOfAnotherRangeDoNotClearTheKey() {
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).isFalse();
        completeExchange("n2+n3+n4", "n2");
        completeExchange("n2+n3+n4", "n3");
        assertThat(clearance.cleared(key("k"), RANGE, PEERS)).isFalse();
    }

    @Test
    void aRangeWithoutOtherReplicasIsClearedAtOnce() {
        assertThat(clearance.cleared(key("k"), "n1", List.of())).isTrue();
    }

    @Test
    void aPassForgetsCandidatesThatWereNotSeenAgain() {
        clearance.cleared(key("rewritten"), RANGE, PEERS);
        clearance.cleared(key("still-dead"), RANGE, PEERS);
        clearance.passFinished();
        clearance.cleared(key("still-dead"), RANGE, PEERS);
        clearance.passFinished();
        assertThat(clearance.waiting()).isOne();

        completeExchange(RANGE, "n2");
        completeExchange(RANGE, "n3");
        assertThat(clearance.cleared(key("rewritten"), RANGE, PEERS)).as("seen afresh").isFalse();
        assertThat(clearance.cleared(key("still-dead"), RANGE, PEERS)).isTrue();
    }

    @Test
    void sightingsBeyondTheBoundWaitForALaterPass() {
        PurgeClearance small = new PurgeClearance(1);
        assertThat(small.cleared(key("a"), RANGE, List.of("n2"))).isFalse();
        assertThat(small.cleared(key("b"), RANGE, List.of("n2"))).isFalse();
        small.exchangeCompleted(RANGE, "n2", small.exchangeStarted());
        assertThat(small.cleared(key("a"), RANGE, List.of("n2"))).isTrue();
        assertThat(small.cleared(key("b"), RANGE, List.of("n2"))).as("not tracked: no room").isFalse();
        assertThat(small.waiting()).isOne();
        assertThatThrownBy(() -> new PurgeClearance(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
