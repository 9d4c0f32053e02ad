package io.portcullis.guard.spa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real fwknop client against a UDP socket on 127.0.0.1 and hands back the datagram it sent.
 * Nothing is ever sent anywhere but loopback: the destination is always 127.0.0.1 and a port this
 * process holds.
 */
final class FwknopClient {

    static final String PROGRAM = "fwknop";

    private FwknopClient() {}

    /** Skips the calling test when fwknop is missing, or fails it under -Dportcullis.requirePeers=true. */
    static void require() {
        assumeThat(checkPresent()).as(PROGRAM + " is installed (apt-get install fwknop-client)").isTrue();
    }

    /** True when fwknop is installed; fails under -Dportcullis.requirePeers=true when it is not. */
    static boolean checkPresent() {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, PROGRAM)));
        if (Boolean.getBoolean("portcullis.requirePeers")) {
            assertThat(present).as(PROGRAM + " must be installed (apt-get install fwknop-client)").isTrue();
        }
        return present;
    }

    /** A fresh pair of keys of the sizes fwknop --key-gen makes: 32 bytes and 64 bytes, base64. */
    record Keys(String keyBase64, String hmacKeyBase64) {
        static Keys random() {
            SecureRandom r = new SecureRandom();
            byte[] k = new byte[32];
            byte[] h = new byte[64];
            r.nextBytes(k);
            r.nextBytes(h);
            return new Keys(Base64.getEncoder().encodeToString(k), Base64.getEncoder().encodeToString(h));
        }

        SpaKey spaKey(String name, String hmacDigest) {
            return SpaKey.fromBase64(name, keyBase64, hmacKeyBase64, hmacDigest);
        }
    }

    /**
     * The command line the tests (and an end-to-end test) use: fwknop with keys on the command line, no
     * rc file and no saved arguments, so it neither reads nor writes anything in $HOME.
     */
    static List<String> command(int port, Keys keys, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(PROGRAM, "-D", "127.0.0.1", "--server-port", Integer.toString(port),
                "--key-base64-rijndael", keys.keyBase64(), "--key-base64-hmac", keys.hmacKeyBase64(), "--use-hmac",
                "--no-save-args", "--no-rc-file"));
        cmd.addAll(Arrays.asList(extra));
        return cmd;
    }

    /** Runs fwknop with {@code -A/-a/-s/...} options in {@code extra} and returns the datagram it sent. */
    static byte[] send(Keys keys, String... extra) throws IOException, InterruptedException {
        return sendRaw(port -> command(port, keys, extra));
    }

    interface CommandForPort {
        List<String> build(int port);
    }

    static byte[] sendRaw(CommandForPort command) throws IOException, InterruptedException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(10_000);
            List<String> cmd = command.build(socket.getLocalPort());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
                try {
                    socket.receive(d);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("fwknop sent nothing; it said: " + output(p), e);
                }
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("fwknop exits").isTrue();
                assertThat(p.exitValue()).as("fwknop exit status; it said: %s", output(p)).isZero();
                return Arrays.copyOf(d.getData(), d.getLength());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** Runs fwknop --key-gen and reads KEY_BASE64 and HMAC_KEY_BASE64 from what it prints. */
    static Keys keyGen() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PROGRAM, "--key-gen", "--no-rc-file").redirectErrorStream(true).start();
        String out = output(p);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String key = null;
        String hmac = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("KEY_BASE64:")) {
                key = line.substring("KEY_BASE64:".length()).strip();
            } else if (line.startsWith("HMAC_KEY_BASE64:")) {
                hmac = line.substring("HMAC_KEY_BASE64:".length()).strip();
            }
        }
        assertThat(key).as("KEY_BASE64 in: %s", out).isNotNull();
        assertThat(hmac).as("HMAC_KEY_BASE64 in: %s", out).isNotNull();
        return new Keys(key, hmac);
    }

    private static String output(Process p) {
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | InterruptedException e) {
            return "(output unavailable: " + e + ")";
        }
    }
}
