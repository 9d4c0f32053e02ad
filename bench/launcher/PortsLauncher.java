import io.portcullis.cli.CheckCommand;
import io.portcullis.cli.FreeCommand;
import io.portcullis.cli.PortsCommand;
import picocli.CommandLine;

/**
 * Runs the port commands until io.portcullis.cli.Main registers them: {@code ports|check|free ARGS...}.
 * Only bench/ports.sh uses it.
 */
public final class PortsLauncher {
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: PortsLauncher ports|check|free [ARGS...]");
            System.exit(2);
        }
        Object command = switch (args[0]) {
            case "ports" -> new PortsCommand();
            case "check" -> new CheckCommand();
            case "free" -> new FreeCommand();
            default -> null;
        };
        if (command == null) {
            System.err.println("unknown command " + args[0]);
            System.exit(2);
        }
        System.exit(new CommandLine(command).execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
}
