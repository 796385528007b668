package dev.pare.tests;

import dev.pare.util.ProjectFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A compression killed half way leaves nothing that looks like a model: the output is staged in a hidden
 * .NAME.partial-* folder beside the target and renamed onto it only when complete. SIGKILL may leave that hidden
 * folder (nothing can run on SIGKILL); SIGTERM (Ctrl-C, kill) runs the shutdown hook, which removes it.
 * The CLI runs in a child JVM on this test's own classpath, with the JVM flags the pare launcher passes.
 */
class InterruptedCompressTest {
    /** How long the child may take to reach the point where it is killed (a loaded 2-core machine is slow). */
    private static final long STARTUP_SECONDS = 180;

    @TempDir
    Path tmp;
    Process child;
    final StringBuilder childErr = new StringBuilder();

    @AfterEach
    void noChildLeftRunning() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigkillMidCompressionLeavesAtMostAHiddenPartialFolder() throws Exception {
        Path out = tmp.resolve("out");
        startCompression(out);
        awaitChild(() -> stderr().contains("block 1/"), "stderr shows 'block 1/' (block 0's linears written)");
        assertEquals(1, hiddenPartialFolders(out).size(), () -> "the output is staged in one hidden folder while it is written\n" + childErr());

        child.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        assertEquals(137, child.exitValue(), this::childErr);

        assertNothingLooksLikeAModel(out);
        for (Path partial : hiddenPartialFolders(out))
            assertFalse(Files.exists(partial.resolve("model.safetensors")),
                    () -> partial + " holds a model.safetensors; the weights are staged under a hidden name until complete");
    }

    @Test
    void sigtermMidCompressionRemovesThePartialFolder() throws Exception {
        Path out = tmp.resolve("out");
        startCompression(out);
        // As soon as the staged weights file appears, while the untouched tensors are still being copied into it: the
        // earliest point the hook must cover, and it keeps the test short.
        awaitChild(() -> hiddenPartialFolders(out).stream().anyMatch(InterruptedCompressTest::holdsStagedWeights),
                "a hidden partial folder holds the staged weights");

        child.destroy(); // SIGTERM: the shutdown hook cleans up
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit on SIGTERM");
        assertEquals(143, child.exitValue(), this::childErr);

        assertNothingLooksLikeAModel(out);
        assertEquals(List.of(), hiddenPartialFolders(out), () -> "the shutdown hook should remove the partial folder\n" + childErr());
    }

    /** Starts {@code pare compress} into {@code out} in a child JVM, with enough work (128 × 512 tokens) to be caught mid-run. */
    private void startCompression(Path out) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
                "-Dpare.home=" + ProjectFiles.root(), "-cp", System.getProperty("java.class.path"), "dev.pare.cli.Pare",
                "compress", "--model", DemoModel.dir().toString(), "--out", out.toString(), "--method", "sparsegpt", "--sparsity", "0.5",
                "--calib", DemoModel.calibText().toString(), "--nsamples", "128", "--seqlen", "512"));
        child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    synchronized (childErr) {
                        childErr.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        }, "child-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until {@code ready}, failing if the child ends first (it must be killed mid-run) or takes too long. */
    private void awaitChild(Check ready, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (!ready.holds()) {
            if (!child.isAlive()) fail("the child ended (exit " + child.exitValue() + ") before " + what + ":\n" + childErr());
            if (System.nanoTime() > deadline) fail("not within " + STARTUP_SECONDS + " s: " + what + "\n" + childErr());
            Thread.sleep(10);
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private String stderr() {
        synchronized (childErr) {
            return childErr.toString();
        }
    }

    private static boolean holdsStagedWeights(Path partial) {
        try (Stream<Path> files = Files.list(partial)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(".model.safetensors.tmp-"));
        } catch (IOException e) {
            return false; // being created or removed
        }
    }

    private String childErr() {
        synchronized (childErr) {
            return "child's stderr:\n" + childErr;
        }
    }

    /** The target is absent or empty, and beside it there is nothing but hidden partial folders. */
    private void assertNothingLooksLikeAModel(Path out) throws IOException {
        if (Files.exists(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                assertEquals(List.of(), entries.toList(), "the target must stay empty");
            }
        }
        assertFalse(Files.exists(out.resolve("model.safetensors")));
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            for (Path p : siblings.toList()) {
                String name = p.getFileName().toString();
                assertTrue(name.startsWith("." + out.getFileName() + ".partial-"), () -> "unexpected " + p + " beside the target");
            }
        }
    }

    private static List<Path> hiddenPartialFolders(Path out) throws IOException {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".partial-")).toList();
        }
    }
}
