package io.portcullis.ports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIndexTest {

    /** A fake /proc: pid 1234 (nginx) holds sockets 1001 and 1002, pid 77 holds a pipe and socket 1001. */
    static Path fakeProc(Path dir) throws Exception {
        if (Files.exists(dir.resolve("1234"))) {
            return dir;
        }
        Path p = Files.createDirectories(dir.resolve("1234/fd"));
        Files.createSymbolicLink(p.resolve("3"), Path.of("socket:[1001]"));
        Files.createSymbolicLink(p.resolve("4"), Path.of("socket:[1002]"));
        Files.createSymbolicLink(p.resolve("5"), Path.of("/dev/null"));
        Files.writeString(dir.resolve("1234/comm"), "nginx\n");
        Files.writeString(dir.resolve("1234/stat"),
                "1234 (ng inx) S 1 1234 1234 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n");
        Path q = Files.createDirectories(dir.resolve("77/fd"));
        Files.createSymbolicLink(q.resolve("0"), Path.of("pipe:[999]"));
        Files.createSymbolicLink(q.resolve("9"), Path.of("socket:[1001]"));
        Files.writeString(dir.resolve("77/comm"), "worker\n");
        Files.createDirectories(dir.resolve("self"));
        Files.createDirectories(dir.resolve("net"));
        Files.writeString(dir.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
        return dir;
    }

    @Test
    void mapsSocketInodesToEveryProcessHoldingThem(@TempDir Path dir) throws Exception {
        ProcessIndex index = new ProcessIndex(fakeProc(dir));
        ProcessIndex.Scan scan = index.scan(null);
        assertThat(scan.ownersOf(1001)).containsExactlyInAnyOrder(new SocketOwner(1234, "nginx", 3), new SocketOwner(77, "worker", 9));
        assertThat(scan.ownersOf(1002)).containsExactly(new SocketOwner(1234, "nginx", 4));
        assertThat(scan.ownersOf(999)).isEmpty();
    }

    @Test
    void looksOnlyForTheInodesAskedFor(@TempDir Path dir) throws Exception {
        ProcessIndex.Scan scan = new ProcessIndex(fakeProc(dir)).scan(Set.of(1002L));
        assertThat(scan.owners()).containsOnlyKeys(1002L);
    }

    @Test
    void computesStartTimeFromBootTimeAndTicksEvenWithSpacesInTheName(@TempDir Path dir) throws Exception {
        ProcessIndex index = new ProcessIndex(fakeProc(dir));
        assertThat(index.startTime(1234)).contains(Instant.ofEpochSecond(1_700_000_000L + 123, 450_000_000));
        assertThat(index.startTime(77)).isEmpty();
    }

    @Test
    void findsThisProcessAsHolderOfItsOwnSocket() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            long inode = new SocketTable().read().stream().filter(s -> s.port() == port && s.isListening())
                    .findFirst().orElseThrow().inode();
            ProcessIndex.Scan scan = new ProcessIndex().scan(Set.of(inode));
            assertThat(scan.ownersOf(inode)).extracting(SocketOwner::pid).contains(ProcessHandle.current().pid());
            assertThat(new ProcessIndex().startTime(ProcessHandle.current().pid())).isPresent();
        }
    }

    @Test
    void parsesOnlySocketLinks() {
        assertThat(ProcessIndex.socketInode("socket:[123]")).isEqualTo(123);
        assertThat(ProcessIndex.socketInode("socket:[12x]")).isEqualTo(-1);
        assertThat(ProcessIndex.socketInode("anon_inode:[eventpoll]")).isEqualTo(-1);
        assertThat(ProcessIndex.socketInode("socket:[")).isEqualTo(-1);
    }
}
