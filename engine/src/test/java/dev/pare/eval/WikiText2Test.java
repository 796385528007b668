package dev.pare.eval;

import dev.pare.PareException;
import dev.pare.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class WikiText2Test {
    @Test
    void rowsKeepTheirNewlineBlankLinesBecomeEmptyAndJoinWithBlankLines(@TempDir Path dir) throws IOException {
        assertEquals("\n\n = A = \n\n\n\n\nline\n", rebuilt(dir, " \n = A = \n \nline\n"));
        // No final newline: the last row has none either.
        assertEquals("a\n\n\n\n\nb", rebuilt(dir, "a\n\t \nb"));
    }

    @Test
    void crlfIsReadAsPythonTextModeReadsIt(@TempDir Path dir) throws IOException {
        assertEquals("a\n\n\n\n\nb\n", rebuilt(dir, "a\r\n \r\nb\r\n"));
        assertEquals("a\n\n\n\n\nb\n", rebuilt(dir, "a\r \rb\r"));
    }

    @Test
    void blankMeansWhatPythonStripRemoves(@TempDir Path dir) throws IOException {
        // Expected strings from the loader's rule run in Python. A no-break space line is blank to Python (and kept by Java's String.strip()).
        assertEquals("x\n\n\n\n\ny\n", rebuilt(dir, "x\n\u00a0\u3000\ny\n"));
        assertEquals("x\n\n\n\u200b\n", rebuilt(dir, "x\n\u200b\n"));   // zero-width space is not whitespace
    }

    @Test
    void realTestSplitMatchesTheHuggingFaceRows() throws Exception {
        String text = WikiText2.rebuild(SharedTestData.shared("data/wiki.test.raw"));
        // Computed with the Hugging Face loader's rule in Python: 4,358 rows, 1,294,336 chars.
        assertEquals(1_294_336, text.length());
        assertTrue(text.startsWith("\n\n = Robert Boulter = \n\n\n\n\n Robert Boulter is an English film"));
        assertEquals("696cca6b65a171b0a358a4be6732cdfdf2dd6164a32e20fd70e3c13fc4dfae83", sha256(text));
    }

    @Test
    void missingOrEmptyFileIsAnError(@TempDir Path dir) throws IOException {
        PareException missing = assertThrows(PareException.class, () -> WikiText2.rebuild(dir.resolve("wiki.test.raw")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.raw"));
        PareException e = assertThrows(PareException.class, () -> WikiText2.rebuild(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    private static String rebuilt(Path dir, String content) throws IOException {
        Path f = Files.writeString(dir.resolve("wiki.test.raw"), content);
        return WikiText2.rebuild(f);
    }

    private static String sha256(String s) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
