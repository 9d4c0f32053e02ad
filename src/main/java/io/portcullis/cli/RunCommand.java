package io.portcullis.cli;

import ch.qos.logback.classic.Level;
import io.portcullis.Gateway;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.Settings;
import io.portcullis.forward.ApplyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis run}: the gateway daemon, in the foreground. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Run the gateway in the foreground until SIGTERM or Ctrl-C.",
        description = {
            "Starts every enabled forward of the config file. A forward whose port cannot be bound is "
                    + "reported (who holds the port, or which privilege is missing) and the others start anyway.",
            "",
            "Without -c the gateway starts on built-in defaults with no forwards, and writes a commented "
                    + "sample config into its data directory for you to copy.",
            "",
            "While it runs, an edited config file is re-read and applied by itself (unless "
                    + "gateway.watch-config is false), and on 'portcullis reload' or SIGHUP. Only the difference "
                    + "is applied; connections already open are never dropped. An invalid new config is refused "
                    + "with its errors and the running one stays.",
            "",
            "SIGTERM or Ctrl-C: stop accepting, let open connections finish for gateway.stop-grace, exit.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  portcullis run                        built-in defaults (no forwards)",
            "  portcullis run -c /etc/portcullis/portcullis.yaml",
            "  PORTCULLIS_DATA_DIR=/tmp/pc portcullis run -c my.yaml"
        })
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info (default) or debug.")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        setLogLevel(logLevel);
        Logger log = LoggerFactory.getLogger("portcullis");
        GatewayConfig cfg = config.file != null ? config.load()
                : new GatewayConfig(List.of(), dataDirOverride(Settings.defaults()), Optional.empty()).withAdmin(io.portcullis.config.AdminSettings.DEFAULT);
        if (config.file != null && config.dataDir != null) {
            cfg = new GatewayConfig(cfg.forwards(), dataDirOverride(cfg.settings()), cfg.source(), cfg.guard(), cfg.admin());
        }
        Gateway gateway = new Gateway(cfg, Explainers.bindFailure());
        // Registered before the start, so that a SIGTERM while the admin plane is still starting (a second or
        // two) is a graceful stop too: it waits for the start to finish, then stops as usual.
        java.util.concurrent.CountDownLatch startDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                startDone.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!started.get()) {
                // The start failed and the command is exiting with its error: nothing to stop, keep its exit status.
                return;
            }
            gateway.stop();
            // Drain the asynchronous log queue before the JVM goes.
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
                ctx.stop();
            }
            // A stop asked for by SIGTERM or Ctrl-C that went as planned is a success: exit 0, not the JVM's 143.
            Runtime.getRuntime().halt(0);
        }, "portcullis-shutdown"));
        ApplyResult result;
        try {
            result = gateway.start();
            started.set(true);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage());
        } finally {
            startDone.countDown();
        }
        if (config.file == null) {
            Path sample = cfg.settings().dataDir().resolve("portcullis.sample.yaml");
            Files.writeString(sample, ConfigLoader.sampleConfig());
            log.info("no config file given: running on built-in defaults with no forwards");
            log.info("a commented sample config is at {}: copy it, edit it, and run 'portcullis run -c FILE'", sample);
        }
        log.info("control socket {} ('portcullis status', 'portcullis reload')", cfg.settings().controlSocket());
        if (!result.bindFailures().isEmpty()) {
            log.warn("{} listener(s) could not start; the other forwards run. See 'portcullis status'.",
                    result.bindFailures().size());
        }
        gateway.awaitStop();
        return 0;
    }

    private Settings dataDirOverride(Settings s) {
        if (config.dataDir == null) {
            return s;
        }
        return new Settings(config.dataDir, s.stopGrace(), s.eventLoops(), s.logConnections(), s.watchConfig(),
                s.transport());
    }

    private static void setLogLevel(String name) {
        Level level = Level.toLevel(name, null);
        if (level == null) {
            throw new Main.UserException("--log-level '" + name + "' is not a level (expected: error, warn, info, debug)", 2);
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }
}
