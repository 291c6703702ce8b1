package dev.framewire.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made for one test run by the JDK's own {@code keytool}, in a PKCS12
 * key store that {@link JettyEchoServer#startTls} serves, and the client-side
 * {@link SSLContext} that trusts exactly that certificate.
 *
 * <p>Generated rather than checked in, so that no key (however worthless) lives in the
 * repository and no certificate expires under the build.
 */
public final class SelfSignedCertificate {

    /** How long keytool may take; it normally needs well under a second. */
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static final String ALIAS = "framewire-test";

    private final Path keyStore;
    private final String password;

    private SelfSignedCertificate(Path keyStore, String password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    /**
     * Generates a key pair and a certificate valid for two days.
     *
     * @param directory where to write the key store (a test's temporary directory)
     * @param subjectAlternativeNames the names a client may connect to, in keytool's syntax, for
     *        example {@code "ip:127.0.0.1"} and {@code "dns:localhost"}
     * @throws IOException if keytool fails, or does not finish within a minute
     */
    public static SelfSignedCertificate generate(Path directory, String... subjectAlternativeNames)
            throws IOException, InterruptedException {
        Path keyStore = Files.createTempFile(directory, "framewire-tls-", ".p12");
        Files.delete(keyStore); // keytool refuses to write into an empty file that is not a key store
        String password = "changeit";
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = List.of(keytool, "-genkeypair",
                "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=framewire test", "-ext", "SAN=" + String.join(",", subjectAlternativeNames),
                "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || !Files.isRegularFile(keyStore)) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): " + output);
        }
        return new SelfSignedCertificate(keyStore, password);
    }

    /** The PKCS12 key store holding the private key and the certificate. */
    public Path keyStore() {
        return keyStore;
    }

    /** The password of the key store and of its key. */
    public String password() {
        return password;
    }

    /** {@return the certificate (without the key)} */
    public Certificate certificate() throws IOException, GeneralSecurityException {
        KeyStore withKey = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            withKey.load(in, password.toCharArray());
        }
        return withKey.getCertificate(ALIAS);
    }

    /** Writes the certificate as a PEM file, as a server's operator would hand it out. */
    public Path writePem(Path file) throws IOException, GeneralSecurityException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate().getEncoded());
        return Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    }

    /** Writes a PKCS12 trust store holding only the certificate, protected by {@code storePassword}. */
    public Path writeTrustStore(Path file, String storePassword) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, certificate());
        try (OutputStream out = Files.newOutputStream(file)) {
            trusted.store(out, storePassword.toCharArray());
        }
        return file;
    }

    /**
     * A client-side TLS context that trusts this certificate and nothing else, for
     * {@code HttpClient.newBuilder().sslContext(...)}.
     */
    public SSLContext trustingContext() throws IOException, GeneralSecurityException {
        Certificate certificate = certificate();
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
