package io.portcullis.cli;

import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c FILE} and {@code --data-dir DIR}, shared by the commands that need a config or a running gateway. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The YAML config file.")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The gateway's data directory, which holds its control socket. Default: gateway.data-dir "
                    + "from -c, else $PORTCULLIS_DATA_DIR, else /var/lib/portcullis for root and "
                    + "~/.local/state/portcullis for others.")
    Path dataDir;

    /** The config from {@code -c}, with its problems printed as a {@link Main.UserException}. */
    GatewayConfig load() {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            int n = e.problems().size();
            throw new Main.UserException(file + ": " + n + (n == 1 ? " problem" : " problems") + " found:\n" + e.getMessage());
        }
    }

    /** The gateway's data directory: {@code --data-dir}, else gateway.data-dir from {@code -c}, else the default. */
    Path dataDir() {
        return controlSocket().getParent();
    }

    /** Where the running gateway's control socket is. */
    Path controlSocket() {
        if (dataDir != null) {
            return dataDir.resolve("control.sock");
        }
        if (file != null) {
            return load().settings().controlSocket();
        }
        return Settings.defaults().controlSocket();
    }
}
