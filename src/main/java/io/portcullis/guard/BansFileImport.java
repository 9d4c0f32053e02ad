package io.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.net.Cidr;
import io.portcullis.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the bans of older versions, kept in {@code <data-dir>/bans.json}, into the store once. Older versions
 * wrote that file; this one keeps bans in the store ({@code <data-dir>/portcullis.db}), so an upgrade must not
 * forget who was banned, nor how often (the next ban's length depends on it).
 *
 * <p>The import runs only into a store that holds no bans yet; afterwards the file is renamed
 * {@code bans.json.imported}, which is what keeps it from being read twice. A file that cannot be read is
 * moved to {@code bans.json.damaged}, as older versions did, and the gateway starts without its bans rather
 * than not at all.
 */
final class BansFileImport {

    /** The file older versions kept bans in, inside the data directory. */
    static final String FILE_NAME = "bans.json";

    private static final Logger log = LoggerFactory.getLogger(BansFileImport.class);

    private BansFileImport() {}

    /**
     * Imports {@code <dataDir>/bans.json} into {@code store} when the file exists and the store holds no bans;
     * answers whether anything was written. Store failures propagate: the file then stays where it is, to be
     * imported at the next start.
     */
    static boolean run(Store store, Path dataDir, Instant now) {
        if (dataDir == null) {
            return false;
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        if (!store.list(BanCodec.PREFIX, "", 1).isEmpty()) {
            log.warn("guard: {} is ignored: bans live in the store ({}) and it already holds some", file, dataDir.resolve("portcullis.db"));
            return false;
        }
        BanList read = new BanList();
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            for (JsonNode b : root.path("bans")) {
                read.putBan(BanCodec.ban(b), now);
            }
            for (JsonNode h : root.path("history")) {
                read.putHistory(Cidr.parse(h.path("address").asText()).address(), h.path("count").asLong(),
                        Instant.parse(h.path("last").asText()), now);
            }
        } catch (IOException | RuntimeException e) {
            moveAside(file, e);
            return false;
        }
        Map<String, byte[]> keys = read.snapshot();
        keys.forEach(store::put);
        Path done = file.resolveSibling(FILE_NAME + ".imported");
        try {
            Files.move(file, done, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("guard: imported {} but cannot rename it to {} ({}); it will be ignored from now on", file, done, e.toString());
            return true;
        }
        log.info("guard: imported {} ban(s) and {} history record(s) from {} into the store; the file is now {}",
                read.size(), keys.size() - read.size(), file, done.getFileName());
        return true;
    }

    private static void moveAside(Path file, Exception cause) {
        Path aside = file.resolveSibling(FILE_NAME + ".damaged");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.error("guard: the bans file {} could not be read ({}); it was moved to {} and the gateway starts with no bans from it",
                    file, cause.getMessage(), aside);
        } catch (IOException e) {
            log.error("guard: the bans file {} could not be read ({}) nor moved aside ({}); it is ignored", file, cause.getMessage(), e.toString());
        }
    }
}
