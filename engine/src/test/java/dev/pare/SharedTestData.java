package dev.pare;

import dev.pare.util.ProjectFiles;
import java.util.Optional;

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
        return ProjectFiles.root();
    }

    /** {@code <root>/../shared/<relative>}, or the test is skipped when it is absent. */
    public static Path shared(String relative) {
        Optional<Path> p = ProjectFiles.shared(relative);
        Assumptions.assumeTrue(p.isPresent(), "../shared not present: " + relative);
        return p.get();
    }

    /** A file of the repository, e.g. {@code models/pare-demo/tokenizer.json}. */
    public static Path repo(String relative) {
        return projectRoot().resolve(relative);
    }
}
