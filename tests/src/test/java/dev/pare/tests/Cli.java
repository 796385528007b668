package dev.pare.tests;

import dev.pare.cli.Pare;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the {@code pare} command line in this JVM, capturing what it prints, and checks the shape of its errors. */
final class Cli {
    private Cli() {
    }

    /** What one run of the command line returned and printed. */
    record Result(String command, int exitCode, String stdout, String stderr) {
        /** Non-blank lines of stderr. */
        List<String> errorLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return command + "\n--- exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    /** {@code pare args...} through {@link Pare#run}, with System.out and System.err swapped for buffers meanwhile. */
    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Pare.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result("pare " + String.join(" ", args), code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code pare args...}, which must succeed. */
    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.exitCode(), () -> "expected success:\n" + r);
        return r;
    }

    /**
     * {@code pare args...}, which must fail as bad input: exit 2, stderr exactly one line "pare: error: ..." that
     * contains every one of {@code named} (the file, tensor or flag at fault, and what was expected), no stack trace.
     *
     * @return the message after "pare: error: "
     */
    static String badInput(List<String> args, String... named) {
        Result r = run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), () -> "expected exit code 2 (bad input):\n" + r);
        assertNoStackTrace(r);
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), () -> "expected exactly one line on stderr:\n" + r);
        String line = lines.getFirst();
        assertTrue(line.startsWith("pare: error: "), () -> "expected 'pare: error: ...':\n" + r);
        for (String n : named) assertTrue(line.contains(n), () -> "the error should name " + n + ":\n" + r);
        return line.substring("pare: error: ".length());
    }

    static void assertNoStackTrace(Result r) {
        for (String stream : List.of(r.stdout(), r.stderr())) {
            assertFalse(stream.contains("\tat "), () -> "stack trace printed:\n" + r);
            assertFalse(stream.contains("Exception"), () -> "exception class name printed:\n" + r);
            assertFalse(stream.contains("Caused by"), () -> "stack trace printed:\n" + r);
        }
    }
}
