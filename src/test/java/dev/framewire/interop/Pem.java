package dev.framewire.interop;

import dev.framewire.testing.SelfSignedCertificate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;

/** The test certificate's private key as PEM, for servers that read PEM files (nginx, HAProxy). */
final class Pem {

    private Pem() {
    }

    /** Writes the key of {@code certificate} as an unencrypted PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}). */
    static Path writeKey(SelfSignedCertificate certificate, Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate.keyStore())) {
            store.load(in, certificate.password().toCharArray());
        }
        String alias = store.aliases().nextElement();
        Key key = store.getKey(alias, certificate.password().toCharArray());
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    }
}
