package dev.pare.io;

import dev.pare.PareException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output folder that appears only when complete: everything is written into a hidden sibling of the target
 * ({@code .NAME.partial-XXXX}) and renamed onto the target by {@link #commit()}. {@link #close()} without a commit, or
 * SIGTERM / Ctrl-C, removes the hidden folder; after SIGKILL it stays, and its name says what it is.
 */
public final class StagingFolder implements AutoCloseable {
    private final Path target;
    private final Path partial;
    private boolean committed;
    private final Thread cleanup = new Thread(this::close, "pare-cleanup");

    private StagingFolder(Path target, Path partial) {
        this.target = target;
        this.partial = partial;
    }

    /** Checks that {@code target} (named by {@code flag} in errors) is absent or an empty folder. */
    public static void checkTarget(Path target, String flag) {
        if (!Files.exists(target)) return;
        if (!Files.isDirectory(target)) throw new PareException(flag + " " + target + " exists and is not a folder");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
            if (entries.iterator().hasNext()) throw new PareException(flag + " " + target + " is not empty; choose a new or empty folder");
        } catch (IOException e) {
            throw new PareException(flag + " " + target + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /** Creates the hidden folder for {@code target} (checked with {@link #checkTarget} first). */
    public static StagingFolder begin(Path target, String flag) {
        checkTarget(target, flag);
        Path out = target.toAbsolutePath().normalize();
        Path partial = out.resolveSibling("." + out.getFileName() + ".partial-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        StagingFolder s = new StagingFolder(out, partial);
        // Before the folder exists, so that an interrupt at any later moment finds the hook in place.
        Runtime.getRuntime().addShutdownHook(s.cleanup);
        try {
            Files.createDirectories(partial);
        } catch (IOException e) {
            s.close();
            throw new PareException(partial + ": cannot create (" + e.getMessage() + ")");
        }
        return s;
    }

    /** The hidden folder being written. */
    public Path path() {
        return partial;
    }

    public Path resolve(String name) {
        return partial.resolve(name);
    }

    public Path target() {
        return target;
    }

    /** Moves the finished folder onto the target. */
    public synchronized void commit() {
        try {
            if (Files.isDirectory(target)) Files.delete(target); // checked empty at the start
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw new PareException(target + ": cannot move the finished output into place (" + e.getMessage() + ")");
        }
    }

    /** Removes the hidden folder unless it was committed. */
    @Override
    public synchronized void close() {
        if (!committed) deleteTree(partial);
        if (Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds nothing left to do
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a leftover hidden .partial folder is harmless and says what it is
        }
    }
}
