package dev.framewire.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made in memory for one test run, for {@code 127.0.0.1}, {@code ::1}
 * and {@code localhost}, with the key that signed it: the server side of {@link ScriptedServer}'s
 * TLS, and a client {@link SSLContext} that trusts this certificate and nothing else.
 *
 * <p>Made with the JDK alone (an EC P-256 key, an X.509 v3 certificate written in DER, valid from
 * a day ago for two days), so no key lives in a repository, no certificate expires under a build,
 * and no {@code keytool} process is needed. Also usable for other servers in the same test, such as
 * Jetty's, through {@link #writeKeyStore}.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "framewire-testkit";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final KeyPair keys;
    private final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /**
     * {@return a new key pair and a certificate for 127.0.0.1, ::1 and localhost}
     *
     * @throws IllegalStateException if the JDK lacks EC P-256 or SHA256withECDSA, which every JDK has
     */
    public static SelfSignedCertificate generate() {
        return forNames("127.0.0.1", "::1", "localhost");
    }

    /**
     * {@return a new key pair and a certificate for exactly these names}, for example one for
     * {@code "elsewhere.invalid"} only, which a client connecting to 127.0.0.1 must refuse
     *
     * @param names IP address literals ({@code "127.0.0.1"}, {@code "::1"}) and DNS names
     *     ({@code "localhost"}), the certificate's subject alternative names
     * @throws IllegalArgumentException if no name is given
     * @throws IllegalStateException if the JDK lacks EC P-256 or SHA256withECDSA, which every JDK has
     */
    public static SelfSignedCertificate forNames(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] algorithm = Der.sequence(Der.oid(1, 2, 840, 10045, 4, 3, 2)); // ecdsa-with-SHA256
            byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(2, 5, 4, 3), // CN
                    Der.utf8String("framewire-testkit"))));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            byte[] validity = Der.sequence(Der.utcTime(now.minus(1, ChronoUnit.DAYS)),
                    Der.utcTime(now.plus(2, ChronoUnit.DAYS)));
            byte[][] alternatives = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                alternatives[i] = isIpLiteral(names[i])
                        ? Der.tagged(0x87, InetAddress.getByName(names[i]).getAddress())  // iPAddress
                        : Der.tagged(0x82, names[i].getBytes(StandardCharsets.US_ASCII)); // dNSName
            }
            byte[] subjectAlternativeNames = Der.sequence(alternatives);
            byte[] extensions = Der.tagged(0xA3, Der.sequence(Der.sequence(Der.oid(2, 5, 29, 17),
                    Der.tagged(0x04, subjectAlternativeNames))));
            byte[] serial = Der.tagged(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray());
            byte[] toBeSigned = Der.sequence(Der.tagged(0xA0, Der.tagged(0x02, new byte[] {2})), // v3
                    serial, algorithm, name, validity, name, keys.getPublic().getEncoded(), extensions);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(toBeSigned);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1]; // no unused bits
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] der = Der.sequence(toBeSigned, algorithm, Der.tagged(0x03, bitString));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return new SelfSignedCertificate(keys, certificate);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a self-signed certificate: " + e, e);
        }
    }

    /** A literal the JDK parses without a lookup: digits and dots, or anything with a colon (IPv6). */
    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    /** {@return the certificate (without the key)} */
    public X509Certificate certificate() {
        return certificate;
    }

    /** {@return a PKCS12 key store in memory holding the key and the certificate, protected by {@link #password()}} */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keys.getPrivate(), PASSWORD, new Certificate[] {certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a PKCS12 key store: " + e, e);
        }
    }

    /** {@return the password of {@link #keyStore()} and of its key} */
    public String password() {
        return new String(PASSWORD);
    }

    /** {@return a server-side TLS context that presents this certificate} */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make a server TLS context: " + e, e);
        }
    }

    /** {@return a client-side TLS context that trusts this certificate and nothing else} */
    public SSLContext trustingContext() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a trusting TLS context: " + e, e);
        }
    }

    /** {@return a new {@link HttpClient} that trusts this certificate and nothing else} */
    public HttpClient trustingHttpClient() {
        return HttpClient.newBuilder().sslContext(trustingContext()).build();
    }

    /**
     * Writes the certificate as a PEM file, as a server's operator would hand it out; returns {@code file}.
     *
     * @param file the file to write
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public Path writePem(Path file) throws IOException {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encode the certificate: " + e, e);
        }
    }

    /**
     * Writes {@link #keyStore()} to a PKCS12 file, protected by {@link #password()}, for another server; returns {@code file}.
     *
     * @param file the file to write
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public Path writeKeyStore(Path file) throws IOException {
        return store(keyStore(), file, PASSWORD);
    }

    /**
     * Writes a PKCS12 trust store holding only the certificate, protected by {@code storePassword}; returns {@code file}.
     *
     * @param file the file to write
     * @param storePassword the trust store's password
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public Path writeTrustStore(Path file, String storePassword) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, certificate);
            return store(trusted, file, storePassword.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make a trust store: " + e, e);
        }
    }

    private static Path store(KeyStore store, Path file, char[] password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not write the key store " + file + ": " + e, e);
        }
        return file;
    }

    /** The little of DER (ITU-T X.690) a certificate needs. */
    private static final class Der {

        private Der() {
        }

        static byte[] tagged(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else if (length <= 0xFF) {
                out.write(0x81);
                out.write(length);
            } else {
                out.write(0x82);
                out.write(length >> 8);
                out.write(length & 0xFF);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        static byte[] sequence(byte[]... elements) {
            return tagged(0x30, concat(elements));
        }

        static byte[] set(byte[]... elements) {
            return tagged(0x31, concat(elements));
        }

        static byte[] utf8String(String text) {
            return tagged(0x0C, text.getBytes(StandardCharsets.UTF_8));
        }

        static byte[] utcTime(Instant instant) {
            String time = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
            return tagged(0x17, time.getBytes(StandardCharsets.US_ASCII));
        }

        static byte[] oid(int... arcs) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(arcs[0] * 40 + arcs[1]);
            for (int i = 2; i < arcs.length; i++) {
                int arc = arcs[i];
                int groups = 1;
                for (int rest = arc >>> 7; rest != 0; rest >>>= 7) {
                    groups++;
                }
                for (int g = groups - 1; g >= 0; g--) {
                    out.write((arc >>> (7 * g)) & 0x7F | (g > 0 ? 0x80 : 0));
                }
            }
            return tagged(0x06, out.toByteArray());
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List.of(parts).forEach(out::writeBytes);
            return out.toByteArray();
        }
    }
}
