package io.portcullis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The CLI's side of the {@link ControlServer}: sends one command to a running gateway and reads its answer. */
public final class ControlClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlClient() {}

    /**
     * Sends {@code command} and returns the gateway's answer.
     *
     * @throws IOException with a message fit for a user: no gateway running, no permission, ...
     */
    public static JsonNode send(Path socket, String command) throws IOException {
        return send(socket, Map.of("command", command));
    }

    /** Sends a request with arguments: {@code command} plus string fields. */
    public static JsonNode send(Path socket, Map<String, String> request) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no gateway is running with control socket " + socket
                    + " (start one with 'portcullis run', or point at its data directory with --data-dir)");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(request)));
            ch.shutdownOutput();
            return JSON.readTree(Channels.newInputStream(ch));
        } catch (AccessDeniedException e) {
            throw new IOException("no permission to use " + socket + " (run as the gateway's user)");
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Connection refused")) {
                throw new IOException("no gateway answers on " + socket + " (it is not running; the file is left over)");
            }
            if (msg.contains("Permission denied")) {
                throw new IOException("no permission to use " + socket + " (run as the gateway's user, e.g. with sudo)");
            }
            throw new IOException("cannot talk to the gateway at " + socket + ": " + msg);
        }
    }

    /** Whether a gateway answers on {@code socket}. */
    static boolean isAlive(Path socket) {
        try {
            return send(socket, "ping").path("ok").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

}
