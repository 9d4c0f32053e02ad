package io.portcullis.cli;

import io.portcullis.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis sample-config}: print a commented example config to start from. */
@Command(name = "sample-config", mixinStandardHelpOptions = true,
        header = "Print a commented example config to start from.",
        footerHeading = "%nExample:%n",
        footer = "  portcullis sample-config > portcullis.yaml && $EDITOR portcullis.yaml")
final class SampleConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigLoader.sampleConfig());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
