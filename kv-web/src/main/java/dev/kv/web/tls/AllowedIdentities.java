package dev.kv.web.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Which certificate identities are cluster members (etcd's {@code --peer-cert-allowed-cn} and
 * {@code --peer-cert-allowed-hostname} in one list): patterns matched against a certificate's subject common name and
 * each of its DNS and URI subject alternative names. In a pattern, {@code *} stands for any run of characters
 * other than {@code .}, so {@code *.kv-node.prod.svc.cluster.local} admits every pod of that headless Service and
 * nothing in another namespace; matching ignores case. No patterns: every certificate the cluster CA signed.
 */
public final class AllowedIdentities {

    private static final int DNS_NAME = 2;
    private static final int URI = 6;

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private AllowedIdentities(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = patterns.stream().map(AllowedIdentities::compile).toList();
    }

    /** The patterns, blank ones left out. */
    public static AllowedIdentities of(Collection<String> patterns) {
        return new AllowedIdentities(patterns.stream().map(String::strip).filter(p -> !p.isEmpty()).toList());
    }

    public static AllowedIdentities any() {
        return new AllowedIdentities(List.of());
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[^.]*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    /** Whether every certificate from the CA is admitted. */
    public boolean isAny() {
        return compiled.isEmpty();
    }

    public List<String> patterns() {
        return patterns;
    }

    /** The first of the certificate's names an allowed pattern matches, or {@code null} when none does. */
    public String matching(X509Certificate certificate) {
        List<String> names = names(certificate);
        if (compiled.isEmpty()) {
            return names.isEmpty() ? certificate.getSubjectX500Principal().getName() : names.getFirst();
        }
        for (String name : names) {
            for (Pattern pattern : compiled) {
                if (pattern.matcher(name).matches()) {
                    return name;
                }
            }
        }
        return null;
    }

    /** The certificate's common name, then its DNS and URI alternative names. */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        String commonName = commonName(certificate.getSubjectX500Principal());
        if (commonName != null) {
            names.add(commonName);
        }
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if ((type == DNS_NAME || type == URI) && alternative.get(1) instanceof String name) {
                        names.add(name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose alternative names cannot be read is judged by its common name alone.
        }
        return names;
    }

    private static String commonName(X500Principal subject) {
        try {
            for (Rdn rdn : new LdapName(subject.getName()).getRdns()) {
                if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    @Override
    public String toString() {
        return compiled.isEmpty() ? "any certificate from the cluster CA" : String.join(",", patterns);
    }
}
