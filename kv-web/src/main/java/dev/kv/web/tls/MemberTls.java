package dev.kv.web.tls;

import dev.kv.web.runtime.SystemSources;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS among cluster members (issue 14): every member presents a certificate from the cluster CA, and a member's
 * certificate is accepted only when its identity is among the {@link AllowedIdentities}. One {@link SSLContext} serves
 * every member-to-member client of a service for its whole life: its key and trust managers hand over to the SSL
 * bundle's current ones, so a renewed certificate (the bundle reloaded on update) is used from the next handshake on,
 * by clients that were built once.
 *
 * <p>As a client, a member checks the server's chain against the cluster CA, its host name against the address it
 * called (done by the client: endpoint identification) and its identity against the pattern, all during the
 * handshake: no request, and so no credential, goes to an endpoint that has not proven it is a member. As a server
 * (a node, whose Tomcat asks for client certificates with {@code server.ssl.client-auth=need}), Tomcat checks the
 * chain and {@link MemberCertificateValve} the identity.
 *
 * <p>Off (no bundle named in {@code kv.cluster.tls.bundle}), members speak plain HTTP and prove themselves with the
 * cluster secret alone.
 */
public final class MemberTls {

    /** Where Tomcat puts the client's verified certificate chain. */
    public static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private static final Logger log = LoggerFactory.getLogger(MemberTls.class);
    private static final MemberTls OFF = new MemberTls();

    private final String bundleName;
    private final AllowedIdentities allowed;
    private final SSLContext context;
    private final ReloadingKeyManager keys;
    private final IdentityTrustManager trust;
    private final AtomicLong refusedServers = new AtomicLong();
    private volatile long loadedAtMillis;

    private MemberTls() {
        this.bundleName = "";
        this.allowed = AllowedIdentities.any();
        this.context = null;
        this.keys = null;
        this.trust = null;
    }

    private MemberTls(String bundleName, SslBundle bundle, AllowedIdentities allowed) {
        this.bundleName = bundleName;
        this.allowed = allowed;
        this.keys = new ReloadingKeyManager();
        this.trust = new IdentityTrustManager();
        load(bundle);
        try {
            this.context = SSLContext.getInstance(protocol(bundle));
            context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("member TLS: no SSL context from bundle " + bundleName, e);
        }
    }

    public static MemberTls off() {
        return OFF;
    }

    /**
     * Member TLS from {@code bundle}, which must hold this member's key and certificate and the cluster CA as its only
     * trust (the JDK's public CAs would admit any certificate a public CA signed for a matching name).
     */
    public static MemberTls of(String bundleName, SslBundle bundle, AllowedIdentities allowed) {
        if (bundle.getStores().getKeyStore() == null) {
            throw new IllegalStateException("member TLS: bundle " + bundleName + " has no key store: a member must "
                    + "present a certificate");
        }
        if (bundle.getStores().getTrustStore() == null) {
            throw new IllegalStateException("member TLS: bundle " + bundleName + " has no trust store: give it the "
                    + "cluster CA (spring.ssl.bundle.pem." + bundleName + ".truststore.certificate)");
        }
        return new MemberTls(bundleName, bundle, allowed);
    }

    private static String protocol(SslBundle bundle) {
        String protocol = bundle.getProtocol();
        return protocol == null || protocol.isBlank() ? "TLS" : protocol;
    }

    /** Takes the bundle's key and trust managers (at start and whenever the bundle has been reloaded). */
    public void load(SslBundle bundle) {
        X509ExtendedKeyManager key = Arrays.stream(bundle.getManagers().getKeyManagers())
                .filter(X509ExtendedKeyManager.class::isInstance).map(X509ExtendedKeyManager.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("member TLS: bundle " + bundleName
                        + " has no X.509 key manager"));
        X509ExtendedTrustManager chain = Arrays.stream(bundle.getManagers().getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("member TLS: bundle " + bundleName
                        + " has no X.509 trust manager"));
        keys.delegate = key;
        trust.delegate = chain;
        loadedAtMillis = SystemSources.wallMillis();
        log.info("member TLS: bundle {} loaded; members admitted: {}", bundleName, allowed);
    }

    public boolean enabled() {
        return context != null;
    }

    /** The context for every client that calls a member; {@code null} when off. */
    public SSLContext sslContext() {
        return context;
    }

    /** What a member address starts with: {@code https} with member TLS, else {@code http}. */
    public String scheme() {
        return enabled() ? "https" : "http";
    }

    public AllowedIdentities allowed() {
        return allowed;
    }

    public String bundleName() {
        return bundleName;
    }

    /** When the bundle's key and trust were last taken, in milliseconds since the epoch (0 when off). */
    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    /** Members refused so far as servers: their certificate's identity was outside the pattern. */
    public long refusedServers() {
        return refusedServers.get();
    }

    /**
     * The address, if this member may call it: with member TLS only {@code https} ones, since a plain address would
     * carry the cluster's credentials to an endpoint that proved nothing.
     *
     * @throws IllegalArgumentException for a plain address while member TLS is on
     */
    public String callable(String address) {
        if (enabled() && !address.regionMatches(true, 0, "https://", 0, 8)) {
            throw new IllegalArgumentException("member TLS is on: refusing to call the plain address " + address);
        }
        return address;
    }

    /**
     * SSL parameters for a socket this member opens itself: host name checked against the certificate, as the
     * HTTP clients do on their own.
     */
    public static SSLParameters verifyingHostName(SSLParameters parameters) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    /** The client certificate Tomcat verified for this request, or {@code null} when it came without one. */
    public static X509Certificate clientCertificate(HttpServletRequest request) {
        return request.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0
                ? chain[0] : null;
    }

    /**
     * The member identity the request proved with its client certificate, or {@code null}: off, no certificate, or
     * one whose identity is outside the pattern.
     */
    public String memberIdentity(HttpServletRequest request) {
        if (!enabled()) {
            return null;
        }
        X509Certificate certificate = clientCertificate(request);
        return certificate == null ? null : allowed.matching(certificate);
    }

    /** Hands over to the bundle's current key manager. */
    private static final class ReloadingKeyManager extends X509ExtendedKeyManager {

        private volatile X509ExtendedKeyManager delegate;

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return delegate.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    /** The bundle's current trust (the cluster CA, host names) and then the identity pattern. */
    private final class IdentityTrustManager extends X509ExtendedTrustManager {

        private volatile X509ExtendedTrustManager delegate;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
            admit(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
            admit(chain, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
            admit(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
            admit(chain, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
            admit(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            admit(chain, "server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }

        private void admit(X509Certificate[] chain, String side) throws CertificateException {
            if (allowed.matching(chain[0]) == null) {
                if (side.equals("server")) {
                    refusedServers.incrementAndGet();
                }
                String names = String.join(",", AllowedIdentities.names(chain[0]));
                log.warn("member TLS: refused a {} whose certificate ({}) is not among the allowed identities ({})",
                        side, names, allowed);
                throw new CertificateException("certificate identity " + names.toLowerCase(Locale.ROOT)
                        + " is not an allowed cluster member");
            }
        }
    }
}
