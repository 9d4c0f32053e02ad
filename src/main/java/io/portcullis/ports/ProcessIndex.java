package io.portcullis.ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which processes hold which sockets, found the way {@code ss -p} and {@code lsof} find it: every
 * {@code /proc/PID/fd/N} that is a link to {@code socket:[INODE]}.
 *
 * <p>Processes whose descriptors this user may not read (another user's, without root) are counted in
 * {@link Scan#deniedProcesses()}, so that callers can tell "nobody holds it" from "cannot see who does".
 */
public final class ProcessIndex {

    /** Clock ticks per second in /proc/PID/stat: USER_HZ, which Linux fixes at 100 for user space. */
    private static final int USER_HZ = 100;

    private final Path proc;

    /** An index of this host's processes. */
    public ProcessIndex() {
        this(Path.of("/proc"));
    }

    /** An index of the process tree under {@code proc} (tests use fixture directories). */
    public ProcessIndex(Path proc) {
        this.proc = Objects.requireNonNull(proc, "proc");
    }

    /**
     * The result of one scan.
     *
     * @param owners for each socket inode asked about that some process holds, the processes holding it
     * @param deniedProcesses how many processes' descriptor tables could not be read
     */
    public record Scan(Map<Long, List<SocketOwner>> owners, int deniedProcesses) {
        /** The holders of {@code inode}; empty when none was seen. */
        public List<SocketOwner> ownersOf(long inode) {
            return owners.getOrDefault(inode, List.of());
        }
    }

    /** Finds the holders of the sockets whose inodes are in {@code inodes} (all sockets when null). */
    public Scan scan(Set<Long> inodes) {
        Map<Long, List<SocketOwner>> owners = new HashMap<>();
        Map<Long, String> programs = new HashMap<>();
        int denied = 0;
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc)) {
            for (Path pidDir : pids) {
                long pid = parsePid(pidDir.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                if (!scanProcess(pid, pidDir, inodes, owners, programs)) {
                    denied++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: report what was found so far.
        }
        return new Scan(owners, denied);
    }

    /** Scans one process; false when its descriptors could not be read for lack of permission. */
    private boolean scanProcess(long pid, Path pidDir, Set<Long> inodes, Map<Long, List<SocketOwner>> owners,
            Map<Long, String> programs) {
        Path fdDir = pidDir.resolve("fd");
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // closed meanwhile, or not a link
                }
                long inode = socketInode(target);
                if (inode <= 0 || inodes != null && !inodes.contains(inode)) {
                    continue;
                }
                int fdNumber = (int) parsePid(fd.getFileName().toString());
                String program = programs.computeIfAbsent(pid, p -> program(p).orElse("?"));
                owners.computeIfAbsent(inode, k -> new ArrayList<>(1)).add(new SocketOwner(pid, program, fdNumber));
            }
            return true;
        } catch (java.nio.file.AccessDeniedException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // the process ended while we looked: nothing to see, nothing hidden
        }
    }

    /** The program name of {@code pid}, from {@code /proc/PID/comm}. */
    public Optional<String> program(long pid) {
        try {
            String comm = Files.readString(proc.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8);
            return Optional.of(comm.strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The user id a process runs as (its real uid, from {@code /proc/PID/status}). */
    public Optional<Integer> uid(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).strip().split("\\s+");
                    return Optional.of(Integer.parseInt(f[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Optional.empty();
    }

    /**
     * When {@code pid} started: field 22 of {@code /proc/PID/stat} (clock ticks after boot) plus the boot time
     * {@code btime} of {@code /proc/stat}.
     */
    public Optional<Instant> startTime(long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
            // The program name (field 2) is in parentheses and may hold spaces and ')': count after the last ')'.
            int close = stat.lastIndexOf(')');
            if (close < 0) {
                return Optional.empty();
            }
            String[] f = stat.substring(close + 1).strip().split("\\s+");
            // f[0] is field 3 (state), so field 22 is f[19].
            long ticks = Long.parseLong(f[19]);
            long bootSeconds = bootTime();
            if (bootSeconds <= 0) {
                return Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(bootSeconds).plusMillis(ticks * 1000 / USER_HZ));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private long bootTime() throws IOException {
        for (String line : Files.readAllLines(proc.resolve("stat"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        return -1;
    }

    /** The inode of a {@code socket:[12345]} link target; -1 for anything else. */
    static long socketInode(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return -1;
        }
        return parsePid(target.substring(8, target.length() - 1));
    }

    /** A non-negative decimal number, or -1. */
    private static long parsePid(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
