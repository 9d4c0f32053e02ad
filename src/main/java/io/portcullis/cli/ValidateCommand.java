package io.portcullis.cli;

import io.portcullis.config.Forward;
import io.portcullis.config.GatewayConfig;
import io.portcullis.net.Protocol;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis validate}: check a config file without starting anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Check a config file without starting anything.",
        description = {
            "Reads the file and reports every problem as FILE:LINE:COLUMN: what is wrong. Exits 1 if there "
                    + "is any; otherwise prints the forwards it describes and exits 0.",
            ""
        },
        footerHeading = "%nExample:%n",
        footer = "  portcullis validate -c /etc/portcullis/portcullis.yaml && portcullis reload")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    /** "deny by default, 3 rules; limits; spa": what guards this forward, in a few words. */
    private static String guard(GatewayConfig cfg, Forward f) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        var access = f.guard().access();
        int rules = access.rules().size() + cfg.guard().access().size();
        if (rules > 0 || !access.defaultAllow()) {
            parts.add(rules + " rule(s), default " + (access.defaultAllow() ? "allow" : "deny"));
        }
        if (f.guard().limits().limitsAnything()) {
            parts.add("limits");
        }
        f.guard().spa().ifPresent(spa -> parts.add("spa " + io.portcullis.config.Durations.format(spa.openFor())));
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    @Override
    public Integer call() {
        if (config.file == null) {
            throw new Main.UserException("validate needs a file: portcullis validate -c FILE", 2);
        }
        GatewayConfig cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: OK, %d forward(s)%n", config.file, cfg.forwards().size());
        Table t = new Table("NAME", "PROTO", "LISTEN", "TARGETS", "BALANCE", "GUARD", "ENABLED");
        for (Forward f : cfg.forwards()) {
            t.row(f.name(), f.protocols().stream().sorted().map(Protocol::label).collect(Collectors.joining("+")),
                    f.listen().toString(), f.targets().stream().map(Object::toString).collect(Collectors.joining(", ")),
                    f.balance().configName(), guard(cfg, f), f.enabled() ? "yes" : "no");
        }
        if (!cfg.forwards().isEmpty()) {
            t.print(out);
        }
        var g = cfg.guard();
        out.printf("guard: %d gateway-wide rule(s); bans %s; SPA %s%n", g.access().size(),
                g.bans().enabled() ? "after " + g.bans().maxRetries() + " offences in " + io.portcullis.config.Durations.format(g.bans().findTime())
                        + ", first for " + io.portcullis.config.Durations.format(g.bans().banTime()) : "off",
                g.spa().enabled() ? "on udp " + g.spa().listen() + " for " + g.spa().clients().size() + " client(s)" : "off (no clients)");
        out.flush();
        return 0;
    }
}
