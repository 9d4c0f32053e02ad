package io.portcullis.admin.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigLoader;
import io.portcullis.forward.BindFailureExplainer;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A real gateway for the browser tests: its admin listener on 127.0.0.1 port 0, its state in a temporary
 * data directory, one forward from the config file (read-only in the dashboard) to the test's echo server.
 *
 * <p>The gateway tells the bound admin port and the first-run setup token through two public methods;
 * they are looked up by name (an admin port, a setup token or link) so this test compiles while they are
 * being added, and is skipped until they exist.
 */
final class TestGateway implements AutoCloseable {

    private final Gateway gateway;
    private final int adminPort;
    private final String setup;

    private TestGateway(Gateway gateway, int adminPort, String setup) {
        this.gateway = gateway;
        this.adminPort = adminPort;
        this.setup = setup;
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
        Method port = find("admin", "port");
        Method setup = find("setup", null);
        assumeTrue(port != null && setup != null,
                "Gateway does not expose its admin port and setup token yet (public methods on io.portcullis.Gateway)");
        Gateway gateway = new Gateway(ConfigLoader.load(config), BindFailureExplainer.PLAIN);
        gateway.start();
        try {
            int p = asInt(port.invoke(gateway));
            String s = asText(setup.invoke(gateway));
            if (p <= 0 || s == null || s.isBlank()) {
                throw new IllegalStateException("the gateway answered admin port " + p + " and setup token " + s);
            }
            return new TestGateway(gateway, p, s);
        } catch (Exception | Error e) {
            gateway.stop();
            throw e;
        }
    }

    private static Method find(String first, String second) {
        for (Method m : Gateway.class.getMethods()) {
            String name = m.getName().toLowerCase(Locale.ROOT);
            if (m.getParameterCount() == 0 && name.contains(first) && (second == null || name.contains(second))) {
                return m;
            }
        }
        return null;
    }

    private static int asInt(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        if (o instanceof OptionalInt i) {
            return i.orElse(-1);
        }
        if (o instanceof Optional<?> opt) {
            return opt.map(TestGateway::asInt).orElse(-1);
        }
        return -1;
    }

    private static String asText(Object o) {
        if (o instanceof Optional<?> opt) {
            return opt.map(TestGateway::asText).orElse(null);
        }
        return o == null ? null : o.toString();
    }

    String baseUrl() {
        return "https://127.0.0.1:" + adminPort + "/";
    }

    /** The first-run link, as the gateway prints it. */
    String setupLink() {
        return setup.startsWith("https://") ? setup : baseUrl() + "#/setup?token=" + setup;
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
