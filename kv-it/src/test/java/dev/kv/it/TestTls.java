package dev.kv.it;

import dev.kv.web.testsupport.Keytool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and a server certificate for 127.0.0.1 signed by it, made with the JDK's keytool (PKCS#12 stores with
 * {@link #PASSWORD}): {@code server.p12} (key and chain) for a service's SSL bundle, {@code trust.p12} (the CA) for
 * its clients. {@link #renewServer()} replaces the server's key and certificate in place, as cert-manager does; {@link
 * #issueMember} issues (and renews) cluster members' certificates for member TLS.
 */
final class TestTls {

    static final String PASSWORD = Keytool.PASSWORD;

    private final Path dir;
    private int renewals;
    /** The CA that signs from now on: {@code ca} ({@code ca.p12}, {@code ca.crt}), after a rotation {@code ca2}. */
    private String signingCa = "ca";

    private TestTls(Path dir) {
        this.dir = dir;
    }

    static TestTls create(Path dir) {
        TestTls tls = new TestTls(dir);
        tls.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=kv-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", dir.resolve("ca.p12").toString());
        tls.keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", dir.resolve("ca.p12").toString(), "-file",
                dir.resolve("ca.crt").toString());
        tls.keytool("-importcert", "-alias", "ca", "-noprompt", "-file", dir.resolve("ca.crt").toString(),
                "-keystore", tls.truststore().toString());
        tls.renewServer();
        return tls;
    }

    Path keystore() {
        return dir.resolve("server.p12");
    }

    Path truststore() {
        return dir.resolve("trust.p12");
    }

    /** A new key and certificate for the server, moved over {@code server.p12} in one step. */
    void renewServer() {
        issue("server", "CN=kv-gateway", keystore());
    }

    /**
     * A key and a certificate for the cluster member {@code name} with the identity {@code commonName} (and the
     * names 127.0.0.1 and localhost, where every test member listens), signed by this CA, in {@link #memberStore};
     * issued again, it replaces the one there in one step (a renewal).
     */
    Path issueMember(String name, String commonName) {
        issue("member", "CN=" + commonName, memberStore(name));
        return memberStore(name);
    }

    Path memberStore(String name) {
        return dir.resolve("member-" + name + ".p12");
    }

    /** Key {@code alias} for {@code dname}, signed by the CA, with the CA's certificate, moved over {@code target}. */
    private synchronized void issue(String alias, String dname, Path target) {
        String name = alias + "-" + renewals++;
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                dname, "-validity", "2", "-keystore", store.toString());
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-file",
                dir.resolve(name + ".csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", dir.resolve(signingCa + ".p12").toString(), "-infile",
                dir.resolve(name + ".csr").toString(), "-outfile", dir.resolve(name + ".crt").toString(), "-rfc",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
        keytool("-importcert", "-alias", "ca", "-noprompt", "-file", dir.resolve(signingCa + ".crt").toString(),
                "-keystore", store.toString());
        keytool("-importcert", "-alias", alias, "-file", dir.resolve(name + ".crt").toString(), "-keystore",
                store.toString());
        moveOver(store, target);
    }

    private static void moveOver(Path source, Path target) {
        try {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first step of a CA rotation: a new CA ({@code CN=kv-test-ca-2}), trusted from now on beside the old one
     * ({@link #truststore} holds both, replaced in one step); certificates are still signed by the old one.
     */
    synchronized void trustNextCa() {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=kv-test-ca-2", "-ext", "bc:c", "-validity", "2", "-keystore", dir.resolve("ca2.p12").toString());
        keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", dir.resolve("ca2.p12").toString(), "-file",
                dir.resolve("ca2.crt").toString());
        writeTruststore("ca", "ca2");
    }

    /** The second step: certificates issued from now on are signed by the new CA. */
    synchronized void signWithNextCa() {
        signingCa = "ca2";
    }

    /** The last step: only the new CA is trusted. */
    synchronized void distrustOldCa() {
        writeTruststore("ca2");
    }

    private void writeTruststore(String... cas) {
        Path next = dir.resolve("trust-" + renewals++ + ".p12");
        for (String ca : cas) {
            keytool("-importcert", "-alias", ca, "-noprompt", "-file", dir.resolve(ca + ".crt").toString(),
                    "-keystore", next.toString());
        }
        moveOver(next, truststore());
    }

    /**
     * The Spring arguments that make a process a cluster member under member TLS with the store of {@code name}
     * (reloaded when it changes) and this CA alone as trust, admitting {@code allowedIdentities}; a node's port
     * serves TLS from it and asks every client for a certificate.
     */
    List<String> memberArguments(String name, String allowedIdentities, boolean node) {
        List<String> arguments = new ArrayList<>(List.of("--kv.cluster.tls.bundle=kv-member",
                "--kv.cluster.tls.allowed-identities=" + allowedIdentities,
                "--spring.ssl.bundle.jks.kv-member.keystore.location=file:" + memberStore(name),
                "--spring.ssl.bundle.jks.kv-member.keystore.password=" + PASSWORD,
                "--spring.ssl.bundle.jks.kv-member.keystore.type=PKCS12",
                "--spring.ssl.bundle.jks.kv-member.truststore.location=file:" + truststore(),
                "--spring.ssl.bundle.jks.kv-member.truststore.password=" + PASSWORD,
                "--spring.ssl.bundle.jks.kv-member.truststore.type=PKCS12",
                "--spring.ssl.bundle.jks.kv-member.reload-on-update=true",
                "--spring.ssl.bundle.watch.file.quiet-period=200ms"));
        if (node) {
            arguments.addAll(List.of("--server.ssl.bundle=kv-member", "--server.ssl.client-auth=need",
                    "--management.server.ssl.enabled=false"));
        }
        return arguments;
    }

    /** A client context presenting the member certificate of {@code name} and trusting this CA only. */
    SSLContext memberContext(String name) {
        try (InputStream keys = Files.newInputStream(memberStore(name))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(keys, PASSWORD.toCharArray());
            KeyManagerFactory key = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            key.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(key.getKeyManagers(), trustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The serial number of the member certificate now in the store of {@code name}. */
    BigInteger memberSerial(String name) {
        return serial(memberStore(name), "member");
    }

    /** The serial number of the server certificate now in {@code server.p12}. */
    BigInteger serverSerial() {
        return serial(keystore(), "server");
    }

    private static BigInteger serial(Path keystore, String alias) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return ((X509Certificate) store.getCertificate(alias)).getSerialNumber();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts the test CA only. */
    SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private TrustManager[] trustManagers() {
        try (InputStream in = Files.newInputStream(truststore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Spring arguments that serve a service's port over TLS from {@code server.p12}, reloaded when it changes. */
    List<String> serverArguments() {
        return List.of("--server.ssl.bundle=kv-tls",
                "--spring.ssl.bundle.jks.kv-tls.keystore.location=file:" + keystore(),
                "--spring.ssl.bundle.jks.kv-tls.keystore.password=" + PASSWORD,
                "--spring.ssl.bundle.jks.kv-tls.keystore.type=PKCS12",
                "--spring.ssl.bundle.jks.kv-tls.reload-on-update=true",
                "--spring.ssl.bundle.watch.file.quiet-period=200ms",
                // The management port (probes, Prometheus) stays plain HTTP inside the cluster's network.
                "--management.server.ssl.enabled=false");
    }

    /** The Spring arguments that make the dashboard trust this CA for an https gateway. */
    List<String> dashboardArguments() {
        return List.of("--kv.admin.gateway-ssl-bundle=kv-gateway-ca",
                "--spring.ssl.bundle.jks.kv-gateway-ca.truststore.location=file:" + truststore(),
                "--spring.ssl.bundle.jks.kv-gateway-ca.truststore.password=" + PASSWORD,
                "--spring.ssl.bundle.jks.kv-gateway-ca.truststore.type=PKCS12");
    }

    private void keytool(String... arguments) {
        Keytool.run(arguments);
    }
}
