package dev.pare;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's files and the shared models/reference data lie. The shared folder sits beside the repository and
 * is not part of it; tests that need it skip, saying what is missing, where it is absent.
 */
public final class SharedTestData {
    private SharedTestData() {
    }

    /** The repository root: the first folder, walking up from the working directory, that holds models/pare-demo. */
    public static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("models/pare-demo"))) return p;
        throw new IllegalStateException("no models/pare-demo above " + Path.of("").toAbsolutePath());
    }

    /** {@code <root>/../shared/<relative>}, or the test is skipped when it is absent. */
    public static Path shared(String relative) {
        Path shared = projectRoot().resolve("../shared").normalize();
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present: " + relative);
        Path p = shared.resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "../shared not present: " + relative);
        return p;
    }

    /** A file of the repository, e.g. {@code models/pare-demo/tokenizer.json}. */
    public static Path repo(String relative) {
        return projectRoot().resolve(relative);
    }
}
