package io.portcullis;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads when the config file changes on disk. Watches the directory rather than the file, because editors
 * save by writing a new file and renaming it over the old one; waits for writes to settle; and reloads only
 * when the content really changed.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long SETTLE_MILLIS = 300;

    private final Path file;
    private final Runnable onChange;
    private WatchService watch;
    private byte[] lastDigest;

    ConfigWatcher(Path file, Runnable onChange) {
        this.file = file.toAbsolutePath();
        this.onChange = onChange;
    }

    void start() throws IOException {
        watch = FileSystems.getDefault().newWatchService();
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        lastDigest = digest();
        Thread.ofPlatform().daemon().name("portcullis-config-watch").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    ours |= e.context() instanceof Path p && p.equals(file.getFileName());
                }
                key.reset();
                if (!ours) {
                    continue;
                }
                // Let the editor finish: swallow the burst of events one save makes.
                WatchKey more;
                while ((more = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                byte[] now = digest();
                if (now != null && !Arrays.equals(now, lastDigest)) {
                    lastDigest = now;
                    log.info("config file {} changed on disk: reloading", file);
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException e) {
            log.debug("closing watcher: {}", e.getMessage());
        }
    }
}
