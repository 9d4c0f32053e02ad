package io.portcullis.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The SQLite store's dealings with files: opening a connection with the settings durability needs, copying
 * a live store, putting a backup in place, and saying in words what went wrong when SQLite refuses.
 */
final class SqliteFiles {

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private SqliteFiles() {}

    /**
     * Opens {@code file} in WAL mode with {@code synchronous=FULL} (each commit is on disk before it returns),
     * a busy timeout and foreign keys on.
     */
    static Connection connect(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("SQLite would not switch to WAL mode (it answered \"" + mode + "\")");
                }
            }
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = ON");
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Takes the store's lock file ({@code portcullis.db.lock}) so that one process at a time writes the file:
     * the store keeps its revision in memory between writes, which a second writer would make wrong. The OS
     * drops the lock when the process dies, so a crash never leaves it stuck. Close the channel to release.
     */
    static FileChannel lock(Path dbFile, String doing) {
        Path lockFile = sibling(dbFile, ".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException heldHere) {
            // This very program has the store open.
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Store.StoreException(doing + ": " + describe(e, lockFile.getParent()), e);
        }
        closeQuietly(channel);
        throw new Store.StoreException(doing + ": another Portcullis has this store open (it holds " + lockFile
                + "); stop it first", null);
    }

    /** An I/O failure in the data directory {@code dir}, in words. */
    static String describe(IOException e, Path dir) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "the file cannot be opened: the directory " + dir + " does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "the file cannot be opened: this user may not write in " + dir;
        }
        if (e.getMessage() != null && e.getMessage().contains("No space left")) {
            return "the disk is full";
        }
        return e.toString();
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already failing or closing; nothing better to do.
        }
    }

    /** Wraps {@code e} as "{@code doing}: reason in words". */
    static Store.StoreException failure(String doing, SQLException e) {
        return new Store.StoreException(doing + ": " + reason(e), e);
    }

    /** What SQLite's complaint means for the person running Portcullis. */
    static String reason(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return e.getMessage();
        }
        int primary = sqlite.getResultCode().code & 0xff;
        if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
            return "the disk is full";
        }
        if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return "the file is not a SQLite database (another program's file, or damaged); it was left as it is";
        }
        if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
            return "the database file is damaged; restore a backup";
        }
        if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
            return "the file cannot be opened (does its directory exist, and may this user write there?)";
        }
        if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_PERM.code) {
            return "the file or its directory is read-only for this user";
        }
        if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
            return "another program holds the database locked (is a second Portcullis using this data directory?)";
        }
        if (primary == SQLiteErrorCode.SQLITE_IOERR.code) {
            return "the disk reported an input/output error (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }

    /** Writes a consistent snapshot of {@code dbFile} to {@code target}, which must not exist yet. */
    static void backup(Path dbFile, Path target) {
        Path to = target.toAbsolutePath();
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new Store.StoreException("will not back up the store to " + to + ": the file already exists; "
                    + "choose a new name or move the old file away", null);
        }
        // A connection of its own reads one WAL snapshot while the store's connection goes on writing.
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dbFile)) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            }
            try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, to.toString());
                vacuum.execute();
            }
        } catch (SQLException e) {
            throw failure("cannot back up the store at " + dbFile + " to " + to, e);
        }
        try {
            fsync(to);
            fsync(to.getParent());
        } catch (IOException e) {
            throw new Store.StoreException("the backup " + to + " was written but could not be flushed to disk: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code backup} is a sound Portcullis store no newer than this program, then puts it in place
     * of {@code dbFile}: copied next to it, checked, flushed, moved over it in one step, and the old file's
     * write-ahead log removed so it cannot be replayed onto the restored data. On any refusal {@code dbFile}
     * is left as it was. Run only while no store has {@code dbFile} open.
     */
    static void restore(Path backup, Path dbFile) {
        Path from = backup.toAbsolutePath();
        Path to = dbFile.toAbsolutePath();
        String refused = "cannot restore " + to + " from " + from;
        if (!Files.isRegularFile(from)) {
            throw new Store.StoreException(refused + ": there is no such file; the store was not changed", null);
        }
        Path temp = null;
        FileChannel lock = null;
        try {
            Files.createDirectories(to.getParent());
            lock = lock(to, refused);
            temp = Files.createTempFile(to.getParent(), to.getFileName() + ".", ".restoring");
            Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
            verify(temp, refused);
            fsync(temp);
            Files.deleteIfExists(sibling(to, "-shm"));
            Files.deleteIfExists(sibling(to, "-wal"));
            Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            fsync(to.getParent());
        } catch (IOException e) {
            throw new Store.StoreException(refused + ": " + e, e);
        } finally {
            closeQuietly(lock);
            if (temp != null) {
                deleteQuietly(temp);
                deleteQuietly(sibling(temp, "-wal"));
                deleteQuietly(sibling(temp, "-shm"));
                deleteQuietly(sibling(temp, "-journal"));
            }
        }
    }

    private static void verify(Path copy, String refused) {
        String unchanged = "; the store was not changed";
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                String verdict = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new Store.StoreException(refused + ": the backup is damaged (" + verdict + ")" + unchanged,
                            null);
                }
            }
            int version = Migrations.version(connection);
            if (version < 1 || !isPortcullisStore(s)) {
                throw new Store.StoreException(refused + ": it is a SQLite database but not a Portcullis store"
                        + unchanged, null);
            }
            if (version > Migrations.CURRENT) {
                throw new Store.StoreException(refused + ": it was written by a newer Portcullis (schema version "
                        + version + "; this program knows up to " + Migrations.CURRENT + ")" + unchanged, null);
            }
        } catch (SQLException e) {
            throw new Store.StoreException(refused + ": " + reason(e) + unchanged, e);
        }
    }

    private static boolean isPortcullisStore(Statement s) throws SQLException {
        try (ResultSet tables = s.executeQuery("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'")) {
            if (!tables.next()) {
                return false;
            }
        }
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'format'")) {
            return rs.next() && Migrations.FORMAT.equals(rs.getString(1));
        }
    }

    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stray temporary file is untidy but harmless.
        }
    }
}
