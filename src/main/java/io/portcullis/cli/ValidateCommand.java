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

    @Override
    public Integer call() {
        if (config.file == null) {
            throw new Main.UserException("validate needs a file: portcullis validate -c FILE", 2);
        }
        GatewayConfig cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: OK, %d forward(s)%n", config.file, cfg.forwards().size());
        Table t = new Table("NAME", "PROTO", "LISTEN", "TARGETS", "BALANCE", "ENABLED");
        for (Forward f : cfg.forwards()) {
            t.row(f.name(), f.protocols().stream().sorted().map(Protocol::label).collect(Collectors.joining("+")),
                    f.listen().toString(), f.targets().stream().map(Object::toString).collect(Collectors.joining(", ")),
                    f.balance().configName(), f.enabled() ? "yes" : "no");
        }
        if (!cfg.forwards().isEmpty()) {
            t.print(out);
        }
        out.flush();
        return 0;
    }
}
