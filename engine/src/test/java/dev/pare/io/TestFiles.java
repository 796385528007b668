package dev.pare.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where the repository's and ../shared's models are, and hand-built safetensors bytes for tests of bad input. */
final class TestFiles {
    private TestFiles() {
    }

    /** The repository root: the first directory upwards from the working directory that holds models/pare-demo. */
    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("models/pare-demo"))) return p;
        throw new IllegalStateException("no models/pare-demo above " + Path.of("").toAbsolutePath());
    }

    static Path demoModel() {
        return projectRoot().resolve("models/pare-demo/model.safetensors");
    }

    /** {@code ../shared/<relative>}, or the test is skipped where the shared folder is not present. */
    static Path shared(String relative) {
        Path p = projectRoot().resolve("../shared").normalize().resolve(relative);
        assumeTrue(Files.exists(p), "../shared not present: " + p);
        return p;
    }

    /** A file as the format lays it out: u64 little-endian header length, the header as given, then the data. */
    static byte[] safetensors(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        for (int i = 0; i < dataBytes; i++) b.put((byte) i);
        return b.array();
    }
}
