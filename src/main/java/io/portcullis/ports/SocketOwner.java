package io.portcullis.ports;

import java.util.Objects;

/**
 * A process that holds a socket open: one of its file descriptors points at the socket's inode.
 *
 * @param pid the process id
 * @param program the program name as the kernel keeps it ({@code /proc/PID/comm}, at most 15 characters)
 * @param fd the file descriptor number in that process
 */
public record SocketOwner(long pid, String program, int fd) {

    public SocketOwner {
        Objects.requireNonNull(program, "program");
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
    }
}
