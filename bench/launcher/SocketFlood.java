import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Opens N sockets on 127.0.0.1 (half TCP listeners, half bound UDP), prints "ready", holds them until stdin closes. */
public final class SocketFlood {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<NetworkChannel> open = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                open.add(s);
            } else {
                DatagramChannel d = DatagramChannel.open();
                d.bind(new InetSocketAddress("127.0.0.1", 0));
                open.add(d);
            }
        }
        System.out.println("ready " + open.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until the caller closes our stdin
        }
    }
}
