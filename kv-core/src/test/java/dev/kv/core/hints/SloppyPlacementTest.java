package dev.kv.core.hints;

import dev.kv.core.ring.TokenRing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SloppyPlacementTest {

    private static final byte[] KEY = "users/42".getBytes(StandardCharsets.UTF_8);

    @Test
    void aDownReplicaIsStoodInForByTheNextLiveNodeBeyondThePreferenceList() {
        TokenRing ring = TokenRing.of(List.of("n1", "n2", "n3", "n4", "n5"), 64);
        List<String> extended = ring.preferenceList(KEY, 5);
        String down = extended.get(1);
        Map<String, SloppyPlacement.Placement> placements = SloppyPlacement.placements(ring, KEY, 3,
                id -> !id.equals(down));
        assertThat(placements).containsOnlyKeys(down);
        assertThat(placements.get(down)).isEqualTo(new SloppyPlacement.Placement(extended.get(3), true));
    }

    @Test
    void withoutANodeBeyondThePreferenceListALiveHomeReplicaKeepsTheHintWithoutCountingIt() {
        TokenRing ring = TokenRing.of(List.of("n1", "n2", "n3"), 64);
        List<String> home = ring.preferenceList(KEY, 3);
        Set<String> down = Set.of(home.get(0));
        Map<String, SloppyPlacement.Placement> placements = SloppyPlacement.placements(ring, KEY, 3,
                id -> !down.contains(id));
        assertThat(placements.get(home.get(0))).isEqualTo(new SloppyPlacement.Placement(home.get(1), false));
    }

    @Test
    void hintKeysRoundTripAndSortByTargetThenTime() {
        HintKey early = new HintKey("n2", 1000, 1, KEY);
        HintKey late = new HintKey("n2", 2000, 0, KEY);
        HintKey decoded = HintKey.decode(early.encode());
        assertThat(decoded.target()).isEqualTo("n2");
        assertThat(decoded.storedAtMillis()).isEqualTo(1000);
        assertThat(decoded.key()).isEqualTo(KEY);
        assertThat(java.util.Arrays.compareUnsigned(early.encode(), late.encode())).isNegative();
        assertThat(early.encode()).startsWith(HintKey.prefix("n2"));
    }

    @Test
    void thePolicyBoundsTimeAndSpace() {
        HintPolicy policy = new HintPolicy(Duration.ofHours(3), 1000);
        assertThat(policy.admits(900, 100)).isTrue();
        assertThat(policy.admits(901, 100)).isFalse();
        assertThat(policy.isExpired(0, Duration.ofHours(3).toMillis())).isFalse();
        assertThat(policy.isExpired(0, Duration.ofHours(3).toMillis() + 1)).isTrue();
    }
}
