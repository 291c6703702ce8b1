package dev.framewire.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.SelfSignedCertificate;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * squid as the corporate forward proxy, with Basic authentication, in front of the Jetty echo
 * server: ws:// and wss:// both go through {@code CONNECT}, as {@code docs/connecting.md} says.
 * This JVM keeps the JDK's default {@code jdk.http.auth.tunneling.disabledSchemes=Basic}, so here
 * squid's 407 must give framewire's message that says what to set; {@link SquidClient}, in a JVM
 * started with the property cleared, shows that the documented recipe then works, and what a
 * wrong password and a missing {@code Authenticator} give.
 */
@Tag("interop")
@Requires(program = "squid", debianPackage = "squid")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SquidTest {

    private static final String USER = "proxyuser";
    private static final String PASSWORD = "proxy-secret";
    /** {@code USER:PASSWORD} for squid's basic_ncsa_auth: {@code openssl passwd -1 -salt fwtest proxy-secret}. */
    private static final String PASSWD_LINE = USER + ":$1$fwtest$jq82FUdHtsRLCVQS1c3MH1\n";
    private static final String REALM = "framewire interop";
    private static final String HELPER = "/usr/lib/squid/basic_ncsa_auth";

    @TempDir
    static Path keys;

    private static SelfSignedCertificate certificate;
    private static JettyEchoServer plain;
    private static JettyEchoServer tls;
    private static Intermediary squid;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Intermediary.find("squid", "squid");
        System.out.println("interop: " + Intermediary.version(binary.toString(), "-v"));
        certificate = SelfSignedCertificate.generate(keys, "ip:127.0.0.1");
        plain = JettyEchoServer.start();
        tls = JettyEchoServer.startTls(certificate);
        Path dir = Intermediary.directory("squid");
        // Read by squid's helper, which runs as squid's own user: readable whatever the umask.
        Files.setPosixFilePermissions(Files.writeString(dir.resolve("passwd"), PASSWD_LINE),
                PosixFilePermissions.fromString("rw-r--r--"));
        port = Intermediary.freePort();
        String conf = String.join("\n",
                "http_port 127.0.0.1:" + port,
                "visible_hostname framewire-interop",
                "pid_filename " + dir + "/squid.pid",
                "cache_log " + dir + "/cache.log",
                "access_log stdio:" + dir + "/access.log",
                "netdb_filename none",
                "coredump_dir " + dir,
                "cache deny all",
                "cache_mem 8 MB",
                "shutdown_lifetime 0 seconds",
                "auth_param basic program " + HELPER + " " + dir + "/passwd",
                "auth_param basic children 2",
                "auth_param basic realm " + REALM,
                "acl authenticated proxy_auth REQUIRED",
                "http_access allow authenticated",
                "http_access deny all",
                "");
        Files.writeString(dir.resolve("squid.conf"), conf);
        squid = Intermediary.start("squid", dir,
                List.of(binary.toString(), "-N", "-f", dir.resolve("squid.conf").toString()), port, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (squid != null) {
            squid.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void withTheJdkDefaultSquidsChallengeIsA407ThatSaysWhatToSet() throws Exception {
        assertNull(System.getProperty("jdk.http.auth.tunneling.disabledSchemes"), "this JVM keeps the JDK default");
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", port)))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(USER, PASSWORD.toCharArray());
                    }
                })
                .sslContext(certificate.trustingContext())
                .build();
        for (URI uri : new URI[] {plain.uri(), tls.uri()}) {
            HandshakeException e = assertThrows(HandshakeException.class,
                    () -> FrameSocket.newBuilder().httpClient(client).connect(uri));
            System.out.println("interop: squid 407, JDK default: " + e.getMessage());
            assertEquals(407, e.statusCode());
            assertEquals(Optional.of("Basic realm=\"" + REALM + "\""), e.headers().firstValue("Proxy-Authenticate"));
            String m = e.getMessage();
            assertTrue(m.startsWith("The proxy 127.0.0.1:" + port + " refused to open a tunnel to " + uri
                    + ": HTTP 407 Proxy Authentication Required; it asks for Basic realm=\"" + REALM + "\""), m);
            assertTrue(m.contains("-Djdk.http.auth.tunneling.disabledSchemes="), m);
            assertFalse(m.contains("server refused"), m);
        }
    }

    @Test
    void withThePropertyClearedBasicWorksForWsAndWssAndAWrongPasswordSaysSo() throws Exception {
        Path trustStore = certificate.writeTrustStore(keys.resolve("squid-trust.p12"), "changeit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Djdk.http.auth.tunneling.disabledSchemes=",
                "-cp", System.getProperty("java.class.path"), SquidClient.class.getName(),
                String.valueOf(port), USER, PASSWORD, plain.uri().toString(), tls.uri().toString(), trustStore.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the child JVM did not finish");
        System.out.println("interop: squid, property cleared:\n" + output);
        assertEquals(0, child.exitValue(), output);
        Map<String, String> cases = output.lines().filter(line -> line.contains(": "))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(": ")),
                        line -> line.substring(line.indexOf(": ") + 2), (a, b) -> a + "\n" + b));
        Function<String, String> result = name -> cases.getOrDefault(name, "(missing) " + output);

        assertEquals("echo ws-right-password through squid", result.apply("ws-right-password"));
        assertEquals("echo wss-right-password through squid", result.apply("wss-right-password"));
        for (String wrong : List.of("ws-wrong-password", "wss-wrong-password")) {
            String r = result.apply(wrong);
            // java.net.http asks the Authenticator again after each 407 (squid logs the credentials four
            // times), then gives up with an IOException that names neither the status nor the proxy.
            assertTrue(r.startsWith("failed WebSocketException - The proxy 127.0.0.1:" + port + " (or the server behind"
                    + " it) refused the credentials that the HttpClient's Authenticator gave for "), r);
            assertTrue(r.contains(" every time: java.net.http asked it again after each refusal"), r);
            assertTrue(r.contains("Check the user name and password it returns for the proxy"), r);
        }
        String none = result.apply("ws-no-authenticator");
        assertTrue(none.startsWith("failed HandshakeException 407 "), none);
        assertTrue(none.contains("Give your HttpClient an Authenticator that answers for the proxy"), none);

        String access = Files.readString(squid.dir().resolve("access.log"));
        assertTrue(access.contains("CONNECT 127.0.0.1:" + plain.port() + " " + USER), access);
        assertTrue(access.contains("CONNECT 127.0.0.1:" + tls.port() + " " + USER), access);
    }
}
