package io.portcullis.ports;

import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;

/** Runs one check in a separate JVM, so a test can run it as another user: prints the outcome, then the summary. */
public final class CheckAsUser {
    private CheckAsUser() {}

    public static void main(String[] args) {
        Protocol protocol = Protocol.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        CheckResult r = new PortCheck().check(protocol, new InetSocketAddress(PortCheck.defaultWildcard(), port));
        System.out.println(r.outcome());
        System.out.println(r.summary());
    }
}
