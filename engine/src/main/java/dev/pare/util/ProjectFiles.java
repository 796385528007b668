package dev.pare.util;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where tests and benchmarks find the checkout (for the embedded models/pare-demo) and the shared models, data and
 * reference outputs that live beside it in ../shared — absent on a user's fresh clone, so callers skip with a reason.
 */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The Pare checkout: -Dpare.home, else the nearest folder upwards from the working directory holding models/pare-demo. */
    public static Path root() {
        String home = System.getProperty("pare.home");
        if (home != null) return Path.of(home).toAbsolutePath();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("models/pare-demo"))) return p;
        throw new IllegalStateException("not inside a Pare checkout (no models/pare-demo above " + Path.of("").toAbsolutePath() + ")");
    }

    /** The embedded demo model. */
    public static Path demoModel() {
        return root().resolve("models/pare-demo");
    }

    /** ../shared beside the checkout (or -Dpare.shared), if it exists. */
    public static Optional<Path> shared() {
        String prop = System.getProperty("pare.shared");
        Path p = prop != null ? Path.of(prop) : root().resolve("../shared").normalize();
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** A file under ../shared, if present. */
    public static Optional<Path> shared(String relative) {
        return shared().map(s -> s.resolve(relative)).filter(Files::exists);
    }
}
