package dev.kv.core.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClusterSecretTest {

    @Test
    void everyListedValueIsAcceptedAndTheFirstIsSent() {
        ClusterSecret secret = ClusterSecret.of("\n  new-one \n\nold-one\n");
        assertThat(secret.size()).isEqualTo(2);
        assertThat(secret.current()).isEqualTo("new-one");
        assertThat(secret.matches("new-one")).isTrue();
        assertThat(secret.matches("old-one")).isTrue();
        assertThat(secret.matches("other")).isFalse();
        assertThat(secret.matches("new-oneold-one")).isFalse();
        assertThat(secret.matches("")).isFalse();
    }

    @Test
    void commasSeparateValuesAsLineBreaksDo() {
        ClusterSecret secret = ClusterSecret.of("a1,b2");
        assertThat(secret.current()).isEqualTo("a1");
        assertThat(secret.matches("b2")).isTrue();
        assertThat(secret.sameAs(ClusterSecret.of("a1\r\nb2\r\n"))).isTrue();
        assertThat(secret.sameAs(ClusterSecret.of("b2,a1"))).as("the order decides what is sent").isFalse();
        assertThat(secret.sameAs(ClusterSecret.of("a1"))).isFalse();
    }

    @Test
    void blankTextIsNoSecret() {
        for (String blank : new String[] {null, "", " \n , \n"}) {
            ClusterSecret none = ClusterSecret.of(blank);
            assertThat(none.isConfigured()).isFalse();
            assertThat(none.current()).isEmpty();
            assertThat(none.matches("")).isFalse();
        }
    }

    @Test
    void aValueThatCannotTravelInAHeaderIsRefusedWithoutEchoingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSecret.of("good\nbad value"))
                .withMessageContaining("value 2").withMessageNotContaining("bad value");
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSecret.of("caf\u00e9"));
    }

    @Test
    void itsTextNamesNoValue() {
        assertThat(ClusterSecret.of("s3cret,other").toString()).doesNotContain("s3cret").contains("2 accepted");
    }
}
