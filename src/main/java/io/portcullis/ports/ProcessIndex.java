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
        return scan(inodes, 1);
    }

    /**
     * As {@link #scan(Set)}, with the descriptors resolved by up to {@code threads} threads. Resolving a
     * descriptor is one readlink(2) that the kernel answers at a few microseconds each, and one process may hold
     * most of them, so the descriptors of all processes are listed first and then split evenly.
     */
    public Scan scan(Set<Long> inodes, int threads) {
        List<Path> fds = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        int[] firstFd = new int[16];
        int denied = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path pidDir : dirs) {
                long pid = parsePid(pidDir.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                int before = fds.size();
                if (!listDescriptors(pidDir.resolve("fd"), fds)) {
                    denied++;
                }
                if (fds.size() > before) {
                    if (pids.size() + 1 >= firstFd.length) {
                        firstFd = java.util.Arrays.copyOf(firstFd, firstFd.length * 2);
                    }
                    firstFd[pids.size()] = before;
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: report what was found so far.
        }
        firstFd[pids.size()] = fds.size();

        int n = fds.size();
        long[] socketOf = new long[n];
        int parts = Math.max(1, Math.min(threads, n / 512));
        List<Thread> helpers = new ArrayList<>();
        for (int part = 1; part < parts; part++) {
            int from = (int) ((long) n * part / parts);
            int to = (int) ((long) n * (part + 1) / parts);
            Thread t = new Thread(() -> resolve(fds, from, to, socketOf), "portcullis-fd-scan-" + part);
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
        resolve(fds, 0, parts == 1 ? n : n / parts, socketOf);
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }

        Map<Long, List<SocketOwner>> owners = new HashMap<>();
        for (int p = 0; p < pids.size(); p++) {
            long pid = pids.get(p);
            String program = null;
            for (int i = firstFd[p]; i < firstFd[p + 1]; i++) {
                long inode = socketOf[i];
                if (inode <= 0 || inodes != null && !inodes.contains(inode)) {
                    continue;
                }
                if (program == null) {
                    program = program(pid).orElse("?");
                }
                int fdNumber = (int) parsePid(fds.get(i).getFileName().toString());
                owners.computeIfAbsent(inode, k -> new ArrayList<>(1)).add(new SocketOwner(pid, program, fdNumber));
            }
        }
        return new Scan(owners, denied);
    }

    /** Adds the descriptors in {@code fdDir} to {@code out}; false when they could not be read for lack of permission. */
    private static boolean listDescriptors(Path fdDir, List<Path> out) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                out.add(fd);
            }
            return true;
        } catch (java.nio.file.AccessDeniedException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // the process ended while we looked: nothing to see, nothing hidden
        }
    }

    /** Sets {@code socketOf[i]} to the socket inode {@code fds[i]} links to, or -1, for i in [from, to). */
    private static void resolve(List<Path> fds, int from, int to, long[] socketOf) {
        for (int i = from; i < to; i++) {
            long inode = -1;
            try {
                inode = socketInode(Files.readSymbolicLink(fds.get(i)).toString());
            } catch (IOException | RuntimeException e) {
                // closed meanwhile, or not a link
            }
            socketOf[i] = inode;
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
