package io.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.portcullis.config.ProxyProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Builds the PROXY protocol header that tells a target who the client really is. */
final class ProxyHeaders {

    private ProxyHeaders() {}

    static HAProxyMessage of(ProxyProtocol version, Channel client) {
        return of(version, (InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
    }

    /** The header for a client at {@code src} that connected to {@code dst}. */
    static HAProxyMessage of(ProxyProtocol version, InetSocketAddress src, InetSocketAddress dst) {
        HAProxyProtocolVersion v = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        InetAddress s = unmap(src.getAddress());
        InetAddress d = unmap(dst.getAddress());
        HAProxyProxiedProtocol proto;
        if (s instanceof Inet4Address && d instanceof Inet4Address) {
            proto = HAProxyProxiedProtocol.TCP4;
        } else {
            // A v4 client on a dual-stack socket: speak v6 on both ends, with the v4 address mapped.
            proto = HAProxyProxiedProtocol.TCP6;
            s = toV6(s);
            d = toV6(d);
        }
        return new HAProxyMessage(v, HAProxyCommand.PROXY, proto, s.getHostAddress(), d.getHostAddress(),
                src.getPort(), dst.getPort());
    }

    private static InetAddress unmap(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }

    private static InetAddress toV6(InetAddress a) {
        if (a instanceof Inet6Address) {
            return a;
        }
        byte[] v4 = a.getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
