package dev.kv.web.testsupport;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A CA and certificates it signs, made with the JDK's keytool into PKCS#12 stores (password {@link #PASSWORD}), for
 * tests that need real certificates and real handshakes.
 */
public final class TestCertificates {

    public static final String PASSWORD = Keytool.PASSWORD;

    private final Path dir;
    private final String name;
    private int issued;

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA {@code CN=<name>} in {@code dir}. */
    public static TestCertificates ca(Path dir, String name) {
        TestCertificates ca = new TestCertificates(dir, name);
        ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.store("ca").toString());
        ca.keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", ca.store("ca").toString(), "-file",
                dir.resolve(name + "-ca.crt").toString());
        ca.keytool("-importcert", "-alias", "ca", "-noprompt", "-file", dir.resolve(name + "-ca.crt").toString(),
                "-keystore", ca.store("trust").toString());
        return ca;
    }

    /** The store holding this CA's certificate alone, for a bundle's trust store. */
    public Path truststore() {
        return store("trust");
    }

    private Path store(String what) {
        return dir.resolve(name + "-" + what + ".p12");
    }

    /**
     * A key and a certificate for {@code dname} with the alternative names {@code san} (keytool's syntax, e.g.
     * {@code dns:a.example,ip:127.0.0.1,uri:spiffe://td/x}; none when blank), signed by this CA.
     */
    public synchronized Path issue(String dname, String san) {
        String leaf = "leaf-" + issued++;
        Path store = store(leaf);
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", store.toString());
        keytool("-certreq", "-alias", "member", "-keystore", store.toString(), "-file",
                dir.resolve(name + leaf + ".csr").toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", store("ca").toString(),
                "-infile", dir.resolve(name + leaf + ".csr").toString(), "-outfile",
                dir.resolve(name + leaf + ".crt").toString(), "-rfc", "-validity", "2"));
        if (!san.isBlank()) {
            sign.addAll(List.of("-ext", "san=" + san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-noprompt", "-file", dir.resolve(name + "-ca.crt").toString(),
                "-keystore", store.toString());
        keytool("-importcert", "-alias", "member", "-file", dir.resolve(name + leaf + ".crt").toString(),
                "-keystore", store.toString());
        return store;
    }

    /** The certificate in a store {@link #issue} made. */
    public static X509Certificate certificate(Path store) {
        try {
            return (X509Certificate) load(store).getCertificate("member");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bundle with the key and certificate in {@code store} and this CA as its only trust. */
    public SslBundle bundle(Path store) {
        return SslBundle.of(SslStoreBundle.of(load(store), PASSWORD, load(store("trust"))));
    }

    private static KeyStore load(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void keytool(String... arguments) {
        Keytool.run(arguments);
    }
}
