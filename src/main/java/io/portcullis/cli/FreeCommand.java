package io.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.net.PortClass;
import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import io.portcullis.ports.FreePorts;
import io.portcullis.ports.KernelPorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis free}: ports that are free right now. */
@Command(name = "free", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Print ports that are free right now.",
        description = {
            "Prints ports that are free right now, one per line: no socket uses them, the kernel has not",
            "reserved them (net.ipv4.ip_local_reserved_ports), and a trial bind on every address succeeds.",
            "Without --tcp or --udp a port must be free for both.",
            "",
            "The kernel's ephemeral range (net.ipv4.ip_local_port_range) is skipped unless --ephemeral is given,",
            "since the kernel may hand those ports to outgoing connections at any moment; the range of this",
            "host is printed on standard error."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  portcullis free                       one free port (TCP and UDP), 1024 and up",
            "  portcullis free --tcp --near 8080     the free TCP port closest to 8080",
            "  portcullis free --count 5 --class dynamic",
            "  portcullis free --udp --class dynamic --ephemeral --count 10",
            "",
            "Exit status: 0 found as many as asked, 1 found fewer, 2 error."
        })
public final class FreeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tcp", description = "Free for TCP.")
    boolean tcp;

    @Option(names = "--udp", description = "Free for UDP.")
    boolean udp;

    @Option(names = "--class", paramLabel = "CLASS", converter = PortOptions.ClassConverter.class,
            description = "Only ports of this class: registered (1024-49151) or dynamic (49152-65535); system is"
                    + " allowed too. Default: 1024-65535.")
    PortClass portClass;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "How many ports (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--near", paramLabel = "N", converter = PortOptions.PortConverter.class,
            description = "Prefer the ports closest to N.")
    Integer near;

    @Option(names = "--ephemeral", description = "Also ports of the kernel's ephemeral range.")
    boolean ephemeral;

    @Option(names = "--json", description = "Print a JSON object for scripts.")
    boolean json;

    private final Supplier<FreePorts> finder;

    /** The command against this host. */
    public FreeCommand() {
        this(FreePorts::new);
    }

    /** The command with its finder injected (tests). */
    public FreeCommand(Supplier<FreePorts> finder) {
        this.finder = finder;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1 || count > PortRange.MAX_PORT) {
            err.println("portcullis free: --count " + count + " is out of range (expected: 1-65535)");
            return 2;
        }
        Set<Protocol> protocols = tcp == udp ? EnumSet.allOf(Protocol.class) : EnumSet.of(tcp ? Protocol.TCP : Protocol.UDP);
        PortRange range = portClass != null ? portClass.range() : new PortRange(1024, PortRange.MAX_PORT);
        FreePorts free = finder.get();
        KernelPorts kernel = free.kernel();
        List<Integer> ports;
        try {
            ports = free.find(protocols, range, ephemeral, count, near);
        } catch (IOException | RuntimeException e) {
            err.println("portcullis free: " + e.getMessage());
            return 2;
        }
        String rangeNote = "ephemeral range on this host: " + kernel.ephemeral() + " (net.ipv4.ip_local_port_range), "
                + (ephemeral ? "included" : "skipped; add --ephemeral to include it");
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocols", protocols.stream().map(Protocol::label).toList());
            m.put("range", range.toString());
            m.put("ephemeralRange", kernel.ephemeral().toString());
            m.put("ephemeralIncluded", ephemeral);
            m.put("ports", ports);
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write JSON", e);
            }
        } else {
            err.println(rangeNote);
            for (int p : ports) {
                out.println(p);
            }
        }
        if (ports.size() < count) {
            err.println("portcullis free: found " + ports.size() + " free port" + (ports.size() == 1 ? "" : "s") + " of "
                    + count + " asked in " + range + (ephemeral ? "" : " outside the ephemeral range"));
        }
        out.flush();
        err.flush();
        return ports.size() < count ? 1 : 0;
    }
}
