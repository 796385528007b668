package dev.pare.cli;

import dev.pare.PareException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code pare} command. With no subcommand it runs the demo on the embedded model. */
@Command(name = "pare", mixinStandardHelpOptions = true, version = "pare 0.1.0",
        description = "Post-training compression of large language models: SparseGPT, GPTQ, Wanda, with a Hessian-based sparsity scheduler.",
        subcommands = {DemoCommand.class, CompressCommand.class, EvalCommand.class, GenerateCommand.class, InspectCommand.class, SynthCommand.class})
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
                System.err.println("pare: error: " + oneLine(e.getMessage()));
                return 2;
            }
            throw e;
        });
        // A malformed command line is bad input too: one line, like every other, not picocli's usage page.
        cli.setParameterExceptionHandler((e, unparsed) -> {
            System.err.println("pare: error: " + oneLine(e.getMessage()) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("pare: error: out of Java heap memory (" + e.getMessage() + "); give the JVM more with PARE_JAVA_OPTS=-Xmx<size>");
            return 1;
        }
    }

    /** Messages that quote a file or an exception may hold line breaks; the error stays one line. */
    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
