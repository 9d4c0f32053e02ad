package io.portcullis.admin.web;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real gateway for the browser tests: its admin listener on 127.0.0.1 port 0, its state in a temporary
 * data directory, one forward from the config file (read-only in the dashboard) to the test's echo server.
 */
final class TestGateway implements AutoCloseable {

    private final Gateway gateway;
    private final int adminPort;
    private final String setupToken;

    private TestGateway(Gateway gateway, int adminPort, String setupToken) {
        this.gateway = gateway;
        this.adminPort = adminPort;
        this.setupToken = setupToken;
    }

    static TestGateway start(Path dir, int echoPort) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("portcullis.yaml");
        Files.writeString(config, """
                gateway:
                  data-dir: %s
                  watch-config: false
                  log-connections: false
                admin:
                  listen: 127.0.0.1:0
                forwards:
                  - name: from-file
                    listen: 127.0.0.1:0
                    targets: [127.0.0.1:%d]
                """.formatted(data, echoPort));
        Gateway gateway = new Gateway(ConfigLoader.load(config), BindFailureExplainer.PLAIN);
        gateway.start();
        try {
            int port = gateway.adminPort();
            String token = gateway.setupToken()
                    .orElseThrow(() -> new IllegalStateException("a new gateway with no user printed no setup token"));
            if (port <= 0) {
                throw new IllegalStateException("the admin listener is not bound (port " + port + ")");
            }
            return new TestGateway(gateway, port, token);
        } catch (RuntimeException | Error e) {
            gateway.stop();
            throw e;
        }
    }

    String baseUrl() {
        return "https://127.0.0.1:" + adminPort + "/";
    }

    /** The first-run link, as the gateway prints it. */
    String setupLink() {
        return baseUrl() + "#/setup?token=" + setupToken;
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
