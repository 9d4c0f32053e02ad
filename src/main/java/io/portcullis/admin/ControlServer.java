package io.portcullis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local control socket: a Unix domain socket in the data directory, readable only by the
 * gateway's own user, through which {@code portcullis status} and {@code portcullis reload} talk to it.
 *
 * <p>Protocol: the client sends one JSON object with a {@code command} and closes its output; the server
 * answers one JSON object and closes. A socket file rather than a TCP port means no network exposure and
 * access control by file permissions.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST = 64 * 1024;

    private final Path path;
    private final ControlActions actions;
    private final ObjectMapper json = new ObjectMapper();
    private ServerSocketChannel server;
    private Thread thread;

    public ControlServer(Path path, ControlActions actions) {
        this.path = path;
        this.actions = actions;
    }

    /** Binds the socket (replacing a stale file left by a crashed gateway) and starts answering. */
    public void start() throws IOException {
        if (Files.exists(path)) {
            if (ControlClient.isAlive(path)) {
                throw new IOException("another gateway is already running with this data directory (control socket "
                        + path + " answers)");
            }
            Files.delete(path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions still apply.
        }
        thread = Thread.ofPlatform().daemon().name("portcullis-control").start(this::serve);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                answer(client);
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.debug("control connection failed: {}", e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("control request failed", e);
            }
        }
    }

    private void answer(SocketChannel client) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST);
        while (buf.hasRemaining() && client.read(buf) >= 0) {
            // read until the client shuts its output
        }
        buf.flip();
        Object reply;
        try {
            JsonNode req = json.readTree(StandardCharsets.UTF_8.decode(buf).toString());
            String command = req == null ? "" : req.path("command").asText("");
            reply = switch (command) {
                case "status" -> actions.status();
                case "reload" -> actions.reload();
                case "ping" -> Map.of("ok", true);
                case "bans" -> actions.bans(req.path("action").asText(""), arguments(req));
                case "backup" -> actions.backup(req.path("file").asText(""));
                case "restore" -> actions.restore(req.path("file").asText(""));
                default -> Map.of("ok", false, "error", "unknown command '" + command + "' (expected: status, reload, bans, backup, restore, ping)");
            };
        } catch (IOException e) {
            reply = Map.of("ok", false, "error", "request is not JSON");
        }
        try (var out = Channels.newOutputStream(client)) {
            json.writeValue(out, reply);
        }
    }

    private static Map<String, String> arguments(JsonNode req) {
        Map<String, String> args = new java.util.LinkedHashMap<>();
        req.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                args.put(e.getKey(), e.getValue().asText());
            }
        });
        return args;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("closing control socket: {}", e.getMessage());
        }
    }
}
