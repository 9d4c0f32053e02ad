package io.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.portcullis.ports.CheckResult;
import io.portcullis.ports.PortCheck;
import io.portcullis.ports.PortEntry;
import io.portcullis.ports.SocketAddresses;
import io.portcullis.ports.SocketOwner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis check PORT[/tcp|/udp]}: can this port be bound now, and if not, why. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Tell whether a port can be bound now, and if not, why.",
        description = {
            "Tells whether PORT can be bound now by trying it. If not, says why: which process holds it",
            "(PID, program, user, since when); or that it is a system port needing CAP_NET_BIND_SERVICE, and",
            "how to grant that; or that the address is not on this host. A free port that is listed in",
            "net.ipv4.ip_local_reserved_ports is reported as reserved.",
            "",
            "Without --address the port is tried on every address ([::], dual-stack, or 0.0.0.0 without IPv6)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  portcullis check 8080                 TCP port 8080 on every address",
            "  portcullis check 53/udp",
            "  portcullis check 443 --address 192.168.1.10",
            "  portcullis check 5432/tcp --json",
            "",
            "Exit status: 0 free, 1 taken (held, needs privilege, or reserved), 2 error (bad arguments,",
            "an address not on this host)."
        })
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PORT[/tcp|/udp]", converter = PortOptions.PortSpecConverter.class,
            description = "The port, with its transport (TCP when none is given), e.g. 8080, 8080/tcp, 53/udp.")
    PortOptions.PortSpec port;

    @Option(names = "--address", paramLabel = "A", converter = PortOptions.AddressConverter.class,
            description = "The local address to try, an IP literal such as 127.0.0.1 or ::1 (default: every address).")
    InetAddress address;

    @Option(names = "--json", description = "Print the answer as a JSON object for scripts.")
    boolean json;

    private final Supplier<PortCheck> checks;

    /** The command against this host. */
    public CheckCommand() {
        this(PortCheck::new);
    }

    /** The command with its check injected (tests give kernel settings and binders). */
    public CheckCommand(Supplier<PortCheck> checks) {
        this.checks = checks;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetAddress a = address != null ? address : PortCheck.defaultWildcard();
        CheckResult r;
        try {
            r = checks.get().check(port.protocol(), new InetSocketAddress(a, port.port()));
        } catch (RuntimeException e) {
            err.println("portcullis check: " + e.getMessage());
            return 2;
        }
        if (json) {
            printJson(out, r);
        } else {
            String service = r.service().map(s -> port.port() + "/" + port.protocol().label() + " " + s.name()
                    + (s.description().isEmpty() ? "" : " (" + s.description() + ")")).orElse("");
            out.println(r.summary());
            for (String note : r.notes()) {
                out.println("note: " + note);
            }
            if (!service.isEmpty()) {
                out.println("service: " + service);
            }
        }
        out.flush();
        return r.exitCode();
    }

    private static void printJson(PrintWriter out, CheckResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", r.protocol().label());
        m.put("address", SocketAddresses.plain(r.address().getAddress()));
        m.put("port", r.address().getPort());
        m.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        m.put("exitCode", r.exitCode());
        m.put("summary", r.summary());
        m.put("service", r.service().map(s -> s.name()).orElse(null));
        List<Map<String, Object>> holders = new ArrayList<>();
        for (PortEntry e : r.holders()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("address", SocketAddresses.plain(e.socket().local().getAddress()));
            h.put("port", e.socket().port());
            h.put("state", e.socket().state().label());
            h.put("owner", e.ownership().name().toLowerCase(Locale.ROOT));
            h.put("user", e.user());
            h.put("pids", e.owners().stream().map(SocketOwner::pid).distinct().toList());
            h.put("programs", e.owners().stream().map(SocketOwner::program).distinct().toList());
            holders.add(h);
        }
        m.put("holders", holders);
        m.put("notes", r.notes());
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
