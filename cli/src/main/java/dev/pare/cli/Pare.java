package dev.pare.cli;

import dev.pare.PareException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code pare} command. With no subcommand it runs the demo on the embedded model. */
@Command(name = "pare", mixinStandardHelpOptions = true, version = "pare 0.1.0",
        description = "Post-training compression of large language models: SparseGPT, GPTQ, Wanda, with a Hessian-based sparsity scheduler.",
        subcommands = {DemoCommand.class, CompressCommand.class, EvalCommand.class, GenerateCommand.class, InspectCommand.class})
public final class Pare implements Callable<Integer> {

    @Override
    public Integer call() {
        return new DemoCommand().call();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 success, 1 failure inside Pare, 2 bad input. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Pare());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof PareException) {
                System.err.println("pare: error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("pare: error: out of Java heap memory (" + e.getMessage() + "); give the JVM more with PARE_JAVA_OPTS=-Xmx<size>");
            return 1;
        }
    }
}
