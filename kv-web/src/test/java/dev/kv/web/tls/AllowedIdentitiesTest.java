package dev.kv.web.tls;

import dev.kv.web.testsupport.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AllowedIdentitiesTest {

    @TempDir
    static Path dir;

    private static X509Certificate node;
    private static X509Certificate gateway;
    private static X509Certificate spiffe;

    @BeforeAll
    static void issue() {
        TestCertificates ca = TestCertificates.ca(dir, "identities");
        node = TestCertificates.certificate(ca.issue("CN=kv-node,O=kv",
                "dns:kv-node-0.kv-node-headless.prod.svc.cluster.local,ip:10.0.0.7"));
        gateway = TestCertificates.certificate(ca.issue("CN=kv-gateway", ""));
        spiffe = TestCertificates.certificate(ca.issue("CN=workload", "uri:spiffe://cluster.local/ns/prod/sa/kv-node"));
    }

    @Test
    void theCommonNameAndTheDnsAndUriNamesAreTheIdentities() {
        assertThat(AllowedIdentities.names(node))
                .containsExactly("kv-node", "kv-node-0.kv-node-headless.prod.svc.cluster.local");
        assertThat(AllowedIdentities.names(spiffe))
                .containsExactly("workload", "spiffe://cluster.local/ns/prod/sa/kv-node");
    }

    @Test
    void aStarStandsForOneLabelOrPartOfOneAndNeverCrossesADot() {
        AllowedIdentities pods = AllowedIdentities.of(List.of("*.kv-node-headless.prod.svc.cluster.local"));
        AllowedIdentities otherNamespace = AllowedIdentities.of(List.of("*.kv-node-headless.test.svc.cluster.local"));
        AllowedIdentities tooShallow = AllowedIdentities.of(List.of("*.svc.cluster.local"));

        assertThat(pods.matching(node)).isEqualTo("kv-node-0.kv-node-headless.prod.svc.cluster.local");
        assertThat(otherNamespace.matching(node)).isNull();
        assertThat(tooShallow.matching(node)).isNull();
        assertThat(AllowedIdentities.of(List.of("kv-*")).matching(gateway)).isEqualTo("kv-gateway");
    }

    @Test
    void matchingIgnoresCaseAndBlankPatterns() {
        AllowedIdentities allowed = AllowedIdentities.of(List.of(" ", "KV-GATEWAY"));

        assertThat(allowed.matching(gateway)).isEqualTo("kv-gateway");
        assertThat(allowed.matching(node)).isNull();
        assertThat(allowed.patterns()).containsExactly("KV-GATEWAY");
    }

    @Test
    void anyPatternListMatchesUriNames() {
        assertThat(AllowedIdentities.of(List.of("spiffe://cluster.local/ns/prod/sa/kv-*")).matching(spiffe))
                .isEqualTo("spiffe://cluster.local/ns/prod/sa/kv-node");
    }

    @Test
    void noPatternsAdmitEveryCertificateByItsFirstName() {
        assertThat(AllowedIdentities.of(List.of()).isAny()).isTrue();
        assertThat(AllowedIdentities.any().matching(gateway)).isEqualTo("kv-gateway");
    }
}
