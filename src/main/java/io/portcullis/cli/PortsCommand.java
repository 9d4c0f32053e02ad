package io.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.portcullis.net.PortClass;
import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import io.portcullis.ports.PortEntry;
import io.portcullis.ports.PortInventory;
import io.portcullis.ports.SocketAddresses;
import io.portcullis.ports.SocketOwner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis ports}: every listening TCP socket and bound UDP socket of the host, and who holds it. */
@Command(name = "ports", mixinStandardHelpOptions = true, sortOptions = false,
        header = "List listening sockets with their process, user and service name.",
        description = {
            "Lists every listening TCP socket and bound UDP socket on this host, IPv4 and IPv6, with the process",
            "that holds it (PID, program, user), the port's class (system 0-1023, registered 1024-49151,",
            "dynamic 49152-65535) and its IANA service name. Sorted by port.",
            "",
            "Reads the kernel's tables (/proc/net/tcp, tcp6, udp, udp6 and /proc/PID/fd) directly. Sockets whose",
            "owner this user cannot see (another user's, without root) are listed with the owner 'hidden'."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  portcullis ports                      every listening port",
            "  portcullis ports --port 8080          who holds port 8080",
            "  portcullis ports --udp --class system UDP system ports",
            "  portcullis ports --port 8000-8999 --tcp",
            "  portcullis ports --program nginx      the ports nginx holds",
            "  portcullis ports --all --pid 1234     every socket of process 1234, connections with peers",
            "  portcullis ports --json | jq '.[] | select(.owner == \"hidden\")'",
            "",
            "Exit status: 0 listed (possibly nothing), 2 error."
        })
public final class PortsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tcp", description = "Only TCP sockets.")
    boolean tcp;

    @Option(names = "--udp", description = "Only UDP sockets.")
    boolean udp;

    @Option(names = "--port", paramLabel = "N|FIRST-LAST", converter = PortOptions.RangeConverter.class,
            description = "Only this port or range of ports, e.g. 8080 or 8000-8999.")
    PortRange port;

    @Option(names = "--class", paramLabel = "CLASS", converter = PortOptions.ClassConverter.class,
            description = "Only ports of this class: system, registered or dynamic.")
    PortClass portClass;

    @Option(names = "--pid", paramLabel = "PID", description = "Only sockets held by this process.")
    Long pid;

    @Option(names = "--program", paramLabel = "NAME",
            description = "Only sockets held by a program whose name contains NAME (case-insensitive).")
    String program;

    @Option(names = {"-a", "--all"},
            description = "Also established connections (with their peers) and other states, not only listeners.")
    boolean all;

    @Option(names = "--json", description = "Print a JSON array for scripts instead of the table.")
    boolean json;

    private final PortInventory inventory;

    /** The command over this host's sockets. */
    public PortsCommand() {
        this(new PortInventory());
    }

    /** The command over the given inventory (tests use fixtures). */
    public PortsCommand(PortInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (pid != null && pid <= 0) {
            err.println("portcullis ports: --pid " + pid + " is not a process id (expected: a number above 0)");
            return 2;
        }
        List<PortEntry> entries;
        try {
            entries = inventory.scan(all);
        } catch (IOException | RuntimeException e) {
            err.println("portcullis ports: cannot read the kernel's socket tables: " + e.getMessage());
            return 2;
        }
        List<PortEntry> shown = entries.stream().filter(this::matches).collect(Collectors.toList());
        if (json) {
            printJson(out, shown);
        } else {
            printTable(out, shown);
            long hidden = shown.stream().filter(e -> e.ownership() == PortEntry.Ownership.HIDDEN).count();
            if (hidden > 0) {
                out.println();
                out.println("note: " + hidden + (hidden == 1 ? " socket has its owner" : " sockets have their owner")
                        + " hidden: " + PortInventory.hiddenOwnerHint() + ".");
            }
        }
        out.flush();
        return 0;
    }

    private boolean matches(PortEntry e) {
        Protocol p = e.socket().protocol();
        if (tcp != udp && (tcp ? p != Protocol.TCP : p != Protocol.UDP)) {
            return false;
        }
        if (port != null && !port.contains(e.socket().port())) {
            return false;
        }
        if (portClass != null && e.portClass() != portClass) {
            return false;
        }
        if (pid != null && e.owners().stream().noneMatch(o -> o.pid() == pid)) {
            return false;
        }
        if (program != null) {
            String want = program.toLowerCase(Locale.ROOT);
            return e.owners().stream().anyMatch(o -> o.program().toLowerCase(Locale.ROOT).contains(want));
        }
        return true;
    }

    private void printTable(PrintWriter out, List<PortEntry> entries) {
        List<String[]> rows = new ArrayList<>();
        rows.add(all
                ? new String[] {"PROTO", "LOCAL ADDRESS", "PORT", "CLASS", "SERVICE", "STATE", "PEER", "PID", "PROGRAM", "USER"}
                : new String[] {"PROTO", "LOCAL ADDRESS", "PORT", "CLASS", "SERVICE", "PID", "PROGRAM", "USER"});
        for (PortEntry e : entries) {
            String proto = e.socket().protocol().label() + (e.socket().ipv6() ? "6" : "");
            String address = host(e.socket().local().getAddress());
            String pids = pids(e);
            String programs = e.owners().stream().map(SocketOwner::program).distinct().collect(Collectors.joining(","));
            if (e.ownership() != PortEntry.Ownership.KNOWN) {
                programs = "-";
            }
            String service = e.serviceName().isEmpty() ? "-" : e.serviceName();
            if (all) {
                String peer = e.socket().remote().getPort() == 0 && e.socket().remote().getAddress().isAnyLocalAddress()
                        ? "*" : host(e.socket().remote().getAddress()) + ":" + e.socket().remote().getPort();
                rows.add(new String[] {proto, address, Integer.toString(e.socket().port()), e.portClass().label(), service,
                    e.socket().state().label(), peer, pids, programs, e.user()});
            } else {
                rows.add(new String[] {proto, address, Integer.toString(e.socket().port()), e.portClass().label(), service,
                    pids, programs, e.user()});
            }
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(rows.size() * 80);
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                boolean last = i == r.length - 1;
                boolean right = i == 2; // port numbers align right
                String cell = r[i];
                if (right) {
                    sb.append(" ".repeat(widths[i] - cell.length())).append(cell);
                } else {
                    sb.append(cell);
                    if (!last) {
                        sb.append(" ".repeat(widths[i] - cell.length()));
                    }
                }
                if (!last) {
                    sb.append("  ");
                }
            }
            sb.append('\n');
        }
        if (entries.isEmpty()) {
            sb.append("(no matching sockets)\n");
        }
        out.print(sb);
    }

    private static String pids(PortEntry e) {
        return switch (e.ownership()) {
            case KNOWN -> e.owners().stream().map(o -> Long.toString(o.pid())).distinct().collect(Collectors.joining(","));
            case HIDDEN -> "hidden";
            case NONE -> "-";
        };
    }

    private void printJson(PrintWriter out, List<PortEntry> entries) {
        List<Map<String, Object>> list = new ArrayList<>(entries.size());
        String hint = null;
        for (PortEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", e.socket().protocol().label());
            m.put("family", e.socket().ipv6() ? "ipv6" : "ipv4");
            m.put("address", plain(e.socket().local().getAddress()));
            m.put("port", e.socket().port());
            m.put("state", e.socket().state().label());
            if (all) {
                m.put("peerAddress", plain(e.socket().remote().getAddress()));
                m.put("peerPort", e.socket().remote().getPort());
            }
            m.put("class", e.portClass().label());
            m.put("service", e.service().map(s -> s.name()).orElse(null));
            m.put("serviceDescription", e.service().map(s -> s.description()).orElse(null));
            m.put("owner", e.ownership().name().toLowerCase(Locale.ROOT));
            m.put("pids", e.owners().stream().map(SocketOwner::pid).distinct().toList());
            List<Map<String, Object>> processes = new ArrayList<>();
            for (SocketOwner o : e.owners()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("pid", o.pid());
                p.put("program", o.program());
                p.put("fd", o.fd());
                processes.add(p);
            }
            m.put("processes", processes);
            m.put("user", e.user());
            m.put("uid", Integer.toUnsignedLong(e.socket().uid()));
            m.put("inode", e.socket().inode());
            if (e.ownership() == PortEntry.Ownership.HIDDEN) {
                if (hint == null) {
                    hint = PortInventory.hiddenOwnerHint();
                }
                m.put("hint", hint);
            }
            list.add(m);
        }
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String host(InetAddress a) {
        return SocketAddresses.host(a);
    }

    private static String plain(InetAddress a) {
        return SocketAddresses.plain(a);
    }
}
