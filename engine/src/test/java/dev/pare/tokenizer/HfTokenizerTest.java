package dev.pare.tokenizer;

import dev.pare.PareException;
import dev.pare.SharedTestData;
import dev.pare.eval.WikiText2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class HfTokenizerTest {
    private static Path pareDemo() {
        return SharedTestData.repo("models/pare-demo");
    }

    @Test
    void wikiText2WithLlama20mTokenizerIs392964Tokens() {
        String text = WikiText2.rebuild(SharedTestData.shared("data/wiki.test.raw"));
        try (HfTokenizer tok = HfTokenizer.open(SharedTestData.shared("models/llama20m"), 0, 1)) {
            long t0 = System.nanoTime();
            int[] ids = tok.encode(text);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(392_964, ids.length);
            assertEquals(8192, tok.vocabSize());
            assertTrue(ms < 20_000, "encoding WikiText-2 took " + ms + " ms");
        }
    }

    @Test
    void pareDemoEvalTextIs29881Tokens() throws IOException {
        String text = Files.readString(pareDemo().resolve("eval.txt"));
        try (HfTokenizer tok = HfTokenizer.open(pareDemo(), 0, 1)) {
            assertEquals(29_881, tok.encode(text).length);
            assertEquals(2048, tok.vocabSize());
            assertEquals(0, tok.bosId());
            assertEquals(1, tok.eosId());
        }
    }

    @Test
    void decodeInvertsEncode() throws IOException {
        String eval = Files.readString(pareDemo().resolve("eval.txt"));
        Random rnd = new Random();
        int from = rnd.nextInt(eval.length() - 2000);
        String sample = eval.substring(from, from + 1 + rnd.nextInt(1999));
        try (HfTokenizer tok = HfTokenizer.open(pareDemo(), 0, 1)) {
            assertEquals(sample, tok.decode(tok.encode(sample)));
            String odd = "  naïve café — 東京 😀\ttabs\r\nCRLF  ";
            assertEquals(odd, tok.decode(tok.encode(odd)));
            assertArrayEquals(new int[0], tok.encode(""));
        }
    }

    @Test
    void specialTokenTextIsMatchedAndKeptUnlessSkipped() {
        try (HfTokenizer tok = HfTokenizer.open(pareDemo(), 0, 1)) {
            // As in transformers: added tokens are split out of the text even with add_special_tokens=False.
            int[] ids = tok.encode("a</s>b");
            assertTrue(java.util.Arrays.stream(ids).anyMatch(i -> i == 1), java.util.Arrays.toString(ids));
            assertEquals("a</s>b", tok.decode(ids));
            assertEquals("ab", tok.decode(ids, true));
        }
    }

    @Test
    void missingOrBrokenTokenizerIsAOneLineError(@TempDir Path dir) throws IOException {
        PareException missing = assertThrows(PareException.class, () -> HfTokenizer.open(dir, 0, 1));
        assertTrue(missing.getMessage().contains(dir.resolve("tokenizer.json").toString()), missing.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        PareException broken = assertThrows(PareException.class, () -> HfTokenizer.open(dir, 0, 1));
        assertFalse(broken.getMessage().contains("\n"), broken.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": 7}}");
        PareException rejected = assertThrows(PareException.class, () -> HfTokenizer.open(dir, -1, -1));
        assertFalse(rejected.getMessage().contains("\n"), rejected.getMessage());
    }
}
