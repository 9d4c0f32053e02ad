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
        // Plain names (java.io.File#list) cost a third of what a DirectoryStream of Paths does.
        String[] entries = proc.toFile().list();
        if (entries == null) {
            entries = new String[0]; // /proc unreadable: nothing to report
        }
        long[] pids = new long[entries.length];
        Path[] fdDirs = new Path[entries.length];
        String[][] fdNames = new String[entries.length][];
        int processes = 0;
        int total = 0;
        int denied = 0;
        for (String entry : entries) {
            long pid = parsePid(entry);
            if (pid <= 0) {
                continue;
            }
            Path fdDir = proc.resolve(entry).resolve("fd");
            String[] names = fdDir.toFile().list();
            if (names == null) {
                if (denied(fdDir)) {
                    denied++;
                }
                continue;
            }
            pids[processes] = pid;
            fdDirs[processes] = fdDir;
            fdNames[processes] = names;
            processes++;
            total += names.length;
        }

        // Every descriptor as (process, name), so that the readlinks split evenly even when one process holds most.
        int[] processOf = new int[total];
        String[] nameOf = new String[total];
        for (int p = 0, i = 0; p < processes; p++) {
            for (String name : fdNames[p]) {
                processOf[i] = p;
                nameOf[i++] = name;
            }
        }
        long[] socketOf = new long[total];
        int parts = Math.max(1, Math.min(threads, total / 512));
        List<Thread> helpers = new ArrayList<>();
        for (int part = 1; part < parts; part++) {
            int from = (int) ((long) total * part / parts);
            int to = (int) ((long) total * (part + 1) / parts);
            Thread t = new Thread(() -> resolve(fdDirs, processOf, nameOf, from, to, socketOf), "portcullis-fd-scan-".concat(Integer.toString(part)));
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
        resolve(fdDirs, processOf, nameOf, 0, parts == 1 ? total : total / parts, socketOf);
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }

        Map<Long, List<SocketOwner>> owners = new HashMap<>();
        String[] programs = new String[processes];
        for (int i = 0; i < total; i++) {
            long inode = socketOf[i];
            if (inode > 0 && (inodes == null || inodes.contains(inode))) {
                int p = processOf[i];
                if (programs[p] == null) {
                    programs[p] = program(pids[p]).orElse("?");
                }
                add(owners, inode, new SocketOwner(pids[p], programs[p], (int) parsePid(nameOf[i])));
            }
        }
        return new Scan(owners, denied);
    }

    private static void add(Map<Long, List<SocketOwner>> owners, long inode, SocketOwner owner) {
        List<SocketOwner> list = owners.get(inode);
        if (list == null) {
            owners.put(inode, List.of(owner));
        } else {
            if (list.size() == 1) {
                list = new ArrayList<>(list);
                owners.put(inode, list);
            }
            list.add(owner);
        }
    }

    /**
     * Whether the descriptors in {@code fdDir}, which could not be listed, are withheld for lack of permission
     * (rather than gone with their process).
     */
    private static boolean denied(Path fdDir) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            return false; // readable after all: it changed meanwhile, nothing hidden
        } catch (java.nio.file.AccessDeniedException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the process ended while we looked: nothing to see, nothing hidden
        }
    }

    /** Sets {@code socketOf[i]} to the socket inode descriptor i links to, or -1, for i in [from, to). */
    private static void resolve(Path[] fdDirs, int[] processOf, String[] nameOf, int from, int to, long[] socketOf) {
        for (int i = from; i < to; i++) {
            socketOf[i] = socketInode(fdDirs[processOf[i]], nameOf[i]);
        }
    }

    /** The socket inode the descriptor {@code name} in {@code fdDir} links to, or -1. */
    private static long socketInode(Path fdDir, String name) {
        try {
            return socketInode(Files.readSymbolicLink(fdDir.resolve(name)).toString());
        } catch (IOException | RuntimeException e) {
            return -1; // closed meanwhile, or not a link
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
