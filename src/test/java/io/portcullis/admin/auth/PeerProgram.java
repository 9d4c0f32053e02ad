package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real program that a peer test compares our output with: skips the test when the program is missing, or
 * fails it under {@code -Dportcullis.requirePeers=true} (which scripts/test sets, after installing it).
 */
record PeerProgram(String program, String debianPackage) {

    static final PeerProgram OATHTOOL = new PeerProgram("oathtool", "oathtool");
    static final PeerProgram ARGON2 = new PeerProgram("argon2", "argon2");

    /** Skips the calling test when the program is missing, or fails it when peers are required. */
    void require() {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        String hint = program + " is installed (apt-get install " + debianPackage + ")";
        if (Boolean.getBoolean("portcullis.requirePeers")) {
            assertThat(present).as(hint).isTrue();
        }
        assumeThat(present).as(hint).isTrue();
    }

    /** Runs the program with {@code args}, writes {@code stdin}, and returns its standard output, trimmed. */
    String run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(program);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = read(process.getInputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(program + " finished").isTrue();
        assertThat(process.exitValue()).as(program + " " + command + " exit code").isZero();
        return out.trim();
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
