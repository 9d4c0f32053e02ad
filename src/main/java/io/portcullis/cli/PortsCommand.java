package io.portcullis.cli;

import io.portcullis.net.PortClass;
import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import io.portcullis.ports.HostSocket;
import io.portcullis.ports.PortEntry;
import io.portcullis.ports.PortInventory;
import io.portcullis.ports.Service;
import io.portcullis.ports.SocketAddresses;
import io.portcullis.ports.SocketOwner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
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
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Runs {@code portcullis ports ARGS} without picocli when every argument is one picocli would take as this
     * command's option with a valid value; answers null for anything else (help, version, a mistake, an
     * {@code @file}), which the caller then hands to picocli, so that help and error messages stay picocli's.
     * Building picocli's model of the commands takes longer than listing 10,000 sockets.
     *
     * @param args the arguments after {@code ports}
     */
    static Integer runDirect(String[] args) {
        PortsCommand c = new PortsCommand();
        if (!c.parse(args)) {
            return null;
        }
        PrintWriter out = writer(System.out, "sun.stdout.encoding");
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        try {
            return c.run(out, err);
        } catch (RuntimeException e) {
            return Main.Errors.report(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A writer as picocli makes one for System.out and System.err, with the same encoding. */
    private static PrintWriter writer(java.io.OutputStream stream, String encodingProperty) {
        String name = System.getProperty(encodingProperty);
        java.nio.charset.Charset cs;
        try {
            cs = name == null ? java.nio.charset.Charset.defaultCharset()
                    : java.nio.charset.Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
        } catch (RuntimeException e) {
            cs = java.nio.charset.Charset.defaultCharset();
        }
        return new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(stream, cs), 1 << 16), true);
    }

    /**
     * Sets the options from {@code args} the way picocli would; false (and the fields unusable) when an argument
     * is not a plain option with a valid value, or an option comes twice, which picocli then reports.
     */
    private boolean parse(String[] args) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("-a")) {
                name = "--all";
            }
            if (!seen.add(name)) {
                return false;
            }
            switch (name) {
                case "--tcp", "--udp", "--all", "--json" -> {
                    if (value != null) {
                        return false;
                    }
                    switch (name) {
                        case "--tcp" -> tcp = true;
                        case "--udp" -> udp = true;
                        case "--all" -> all = true;
                        default -> json = true;
                    }
                }
                case "--port", "--class", "--pid", "--program" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            return false;
                        }
                        value = args[++i];
                    }
                    // A value that looks like an option or an @file: picocli's rules decide.
                    if (value.startsWith("-") || value.startsWith("@")) {
                        return false;
                    }
                    try {
                        switch (name) {
                            case "--port" -> port = PortRange.parse(value);
                            case "--class" -> portClass = PortClass.parse(value);
                            case "--pid" -> {
                                // Plain decimal only; anything else (signs, leading zeros) goes through picocli.
                                if (value.isEmpty() || value.length() > 18 || value.charAt(0) == '0') {
                                    return false;
                                }
                                for (int k = 0; k < value.length(); k++) {
                                    if (value.charAt(k) < '0' || value.charAt(k) > '9') {
                                        return false;
                                    }
                                }
                                pid = Long.parseLong(value);
                            }
                            default -> program = value;
                        }
                    } catch (IllegalArgumentException e) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** Lists the sockets to {@code out}; the exit status. */
    int run(PrintWriter out, PrintWriter err) {
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
        List<PortEntry> shown = new ArrayList<>(entries.size());
        for (PortEntry e : entries) {
            if (matches(e)) {
                shown.add(e);
            }
        }
        if (json) {
            printJson(out, shown);
        } else {
            printTable(out, shown);
            long hidden = 0;
            for (PortEntry e : shown) {
                if (e.ownership() == PortEntry.Ownership.HIDDEN) {
                    hidden++;
                }
            }
            if (hidden > 0) {
                out.println();
                out.println(new StringBuilder("note: ").append(hidden)
                        .append(hidden == 1 ? " socket has its owner" : " sockets have their owner")
                        .append(" hidden: ").append(PortInventory.hiddenOwnerHint()).append('.'));
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
        String[] header = all
                ? new String[] {"PROTO", "LOCAL ADDRESS", "PORT", "CLASS", "SERVICE", "STATE", "PEER", "PID", "PROGRAM", "USER"}
                : new String[] {"PROTO", "LOCAL ADDRESS", "PORT", "CLASS", "SERVICE", "PID", "PROGRAM", "USER"};
        int columns = header.length;
        String[] cells = new String[(entries.size() + 1) * columns];
        System.arraycopy(header, 0, cells, 0, columns);
        // Most rows share a few addresses: format each once.
        Map<InetAddress, String> hosts = new HashMap<>();
        int c = columns;
        for (PortEntry e : entries) {
            c = cells(e, cells, c, hosts);
        }
        int[] widths = new int[columns];
        for (int i = 0; i < cells.length; i++) {
            widths[i % columns] = Math.max(widths[i % columns], cells[i].length());
        }
        StringBuilder sb = new StringBuilder((entries.size() + 2) * (columns * 2 + sum(widths)));
        for (int row = 0; row < cells.length; row += columns) {
            appendRow(sb, cells, row, widths);
        }
        if (entries.isEmpty()) {
            sb.append("(no matching sockets)\n");
        }
        out.print(sb);
    }

    private static final String[] CLASS_LABELS = labels();

    private static String[] labels() {
        PortClass[] classes = PortClass.values();
        String[] labels = new String[classes.length];
        for (PortClass pc : classes) {
            labels[pc.ordinal()] = pc.label();
        }
        return labels;
    }

    /** Fills the cells of one row from {@code c} on; the index after them. */
    private int cells(PortEntry e, String[] cells, int c, Map<InetAddress, String> hosts) {
        HostSocket s = e.socket();
        boolean isTcp = s.protocol() == Protocol.TCP;
        cells[c++] = s.ipv6() ? (isTcp ? "tcp6" : "udp6") : (isTcp ? "tcp" : "udp");
        cells[c++] = host(s.local().getAddress(), hosts);
        cells[c++] = Integer.toString(s.port());
        cells[c++] = CLASS_LABELS[e.portClass().ordinal()];
        cells[c++] = e.service().isPresent() ? serviceCell(e.service().get().name()) : "-";
        if (all) {
            cells[c++] = s.state().label();
            InetSocketAddress remote = s.remote();
            cells[c++] = remote.getPort() == 0 && remote.getAddress().isAnyLocalAddress()
                    ? "*" : host(remote.getAddress(), hosts) + ":" + remote.getPort();
        }
        cells[c++] = pids(e);
        cells[c++] = e.ownership() == PortEntry.Ownership.KNOWN ? programs(e.owners()) : "-";
        cells[c++] = e.user();
        return c;
    }

    private static String serviceCell(String name) {
        return name.isEmpty() ? "-" : name;
    }

    private static String host(InetAddress a, Map<InetAddress, String> hosts) {
        String h = hosts.get(a);
        if (h == null) {
            h = host(a);
            hosts.put(a, h);
        }
        return h;
    }

    private static void appendRow(StringBuilder sb, String[] cells, int row, int[] widths) {
        int columns = widths.length;
        for (int i = 0; i < columns; i++) {
            String cell = cells[row + i];
            boolean last = i == columns - 1;
            if (i == 2) { // port numbers align right
                pad(sb, widths[i] - cell.length()).append(cell);
            } else {
                sb.append(cell);
                if (!last) {
                    pad(sb, widths[i] - cell.length());
                }
            }
            if (!last) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }

    private static int sum(int[] values) {
        int n = 0;
        for (int v : values) {
            n += v;
        }
        return n;
    }

    private static StringBuilder pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** The distinct program names, in the owners' order, joined with commas. */
    private static String programs(List<SocketOwner> owners) {
        if (owners.size() == 1) {
            return owners.get(0).program();
        }
        return owners.stream().map(SocketOwner::program).distinct().collect(Collectors.joining(","));
    }

    private static String pids(PortEntry e) {
        return switch (e.ownership()) {
            case KNOWN -> e.owners().size() == 1 ? Long.toString(e.owners().get(0).pid())
                    : e.owners().stream().map(o -> Long.toString(o.pid())).distinct().collect(Collectors.joining(","));
            case HIDDEN -> "hidden";
            case NONE -> "-";
        };
    }

    /**
     * Writes the entries as a JSON array, laid out as Jackson's default pretty printer does (which this
     * command used before; not loading Jackson saves a third of the run).
     */
    private void printJson(PrintWriter out, List<PortEntry> entries) {
        Json j = new Json(entries.size() * 400);
        Map<InetAddress, String> hosts = new HashMap<>();
        if (entries.isEmpty()) {
            j.raw("[ ]");
        }
        for (int k = 0; k < entries.size(); k++) {
            j.raw(k == 0 ? "[ {" : ", {");
            jsonFields(j, entries.get(k), hosts);
            j.endObject();
        }
        if (!entries.isEmpty()) {
            j.raw(" ]");
        }
        out.println(j.sb);
    }

    private void jsonFields(Json j, PortEntry e, Map<InetAddress, String> hosts) {
        HostSocket s = e.socket();
        j.field("protocol").string(s.protocol() == Protocol.TCP ? "tcp" : "udp");
        j.field("family").string(s.ipv6() ? "ipv6" : "ipv4");
        j.field("address").string(plain(s.local().getAddress(), hosts));
        j.field("port").number(s.port());
        j.field("state").string(s.state().label());
        if (all) {
            j.field("peerAddress").string(plain(s.remote().getAddress(), hosts));
            j.field("peerPort").number(s.remote().getPort());
        }
        j.field("class").string(CLASS_LABELS[e.portClass().ordinal()]);
        Service service = e.service().orElse(null);
        j.field("service").string(service == null ? null : service.name());
        j.field("serviceDescription").string(service == null ? null : service.description());
        j.field("owner").string(OWNERSHIP_LABELS[e.ownership().ordinal()]);
        j.field("pids");
        List<SocketOwner> owners = e.owners();
        if (owners.isEmpty()) {
            j.raw("[ ]");
        } else if (owners.size() == 1) {
            j.raw("[ ").number(owners.get(0).pid()).raw(" ]");
        } else {
            List<Long> pids = owners.stream().map(SocketOwner::pid).distinct().toList();
            for (int i = 0; i < pids.size(); i++) {
                j.raw(i == 0 ? "[ " : ", ").number(pids.get(i));
            }
            j.raw(" ]");
        }
        j.field("processes");
        if (owners.isEmpty()) {
            j.raw("[ ]");
        } else {
            j.depth++;
            for (int i = 0; i < owners.size(); i++) {
                SocketOwner o = owners.get(i);
                j.raw(i == 0 ? "[ {" : ", {");
                j.field("pid").number(o.pid());
                j.field("program").string(o.program());
                j.field("fd").number(o.fd());
                j.endObject();
            }
            j.depth--;
            j.raw(" ]");
        }
        j.field("user").string(e.user());
        j.field("uid").number(Integer.toUnsignedLong(s.uid()));
        j.field("inode").number(s.inode());
        if (e.ownership() == PortEntry.Ownership.HIDDEN) {
            j.field("hint").string(hiddenHint());
        }
    }

    private static final String[] OWNERSHIP_LABELS = {"known", "hidden", "none"};

    private String hint;

    private String hiddenHint() {
        if (hint == null) {
            hint = PortInventory.hiddenOwnerHint();
        }
        return hint;
    }

    private static String plain(InetAddress a, Map<InetAddress, String> hosts) {
        String h = host(a, hosts);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** Jackson's default pretty printing: two spaces a level, {@code "name" : value}, {@code [ a, b ]}. */
    private static final class Json {
        final StringBuilder sb;
        int depth = 1;
        boolean first = true;

        Json(int capacity) {
            sb = new StringBuilder(capacity);
        }

        Json raw(String s) {
            sb.append(s);
            if (s.endsWith("{")) {
                first = true;
            }
            return this;
        }

        Json field(String name) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(depth);
            sb.append('"').append(name).append("\" : ");
            return this;
        }

        void endObject() {
            sb.append('\n');
            indent(depth - 1);
            sb.append('}');
            first = false;
        }

        private void indent(int levels) {
            for (int i = 0; i < levels; i++) {
                sb.append("  ");
            }
        }

        Json number(long v) {
            sb.append(v);
            return this;
        }

        /** A string escaped as Jackson escapes it (control characters, quote, backslash), or null. */
        Json string(String s) {
            if (s == null) {
                sb.append("null");
                return this;
            }
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch >= 0x20 && ch != '"' && ch != '\\') {
                    sb.append(ch);
                    continue;
                }
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\b' -> sb.append("\\b");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\f' -> sb.append("\\f");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append("\\u00").append(HEX[ch >> 4]).append(HEX[ch & 0xF]);
                }
            }
            sb.append('"');
            return this;
        }

        private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    }

    private static String host(InetAddress a) {
        return SocketAddresses.host(a);
    }

}
