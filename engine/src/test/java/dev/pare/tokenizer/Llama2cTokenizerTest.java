package dev.pare.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.PareException;
import dev.pare.ReferenceSafetensors;
import dev.pare.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class Llama2cTokenizerTest {
    private static final String PROMPT = "Once upon a time, there was a little dog named Max. Max liked to run in the park with his friend";

    private static Llama2cTokenizer stories() {
        return Llama2cTokenizer.open(SharedTestData.shared("models/stories260K/tok512.bin"), 512);
    }

    @Test
    void encodesStoryPromptAsTheReferenceInputIds() throws IOException {
        Llama2cTokenizer tok = stories();
        int[] expected = ReferenceSafetensors.read(SharedTestData.shared("reference/stories260K/logits.safetensors")).i32("input_ids");
        assertArrayEquals(expected, tok.encode(PROMPT, true, false));
        assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length), tok.encode(PROMPT));
    }

    @Test
    void decodesGreedyIdsToTheReferenceText() throws IOException {
        Llama2cTokenizer tok = stories();
        JsonNode greedy = new ObjectMapper().readTree(SharedTestData.shared("reference/stories260K/greedy.json").toFile());
        int[] ids = new int[greedy.get("greedy_token_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = greedy.get("greedy_token_ids").get(i).asInt();
        assertEquals(greedy.get("greedy_text").asText(), tok.decode(ids));
    }

    @Test
    void heapMergesEqualRunCQuadraticLoopOnRandomTextWithStoriesVocab() {
        Llama2cTokenizer tok = stories();
        Random rnd = new Random();
        String alphabet = "aeiou tnsrhld.,!?'\"\nTOMéü™😀";
        for (int trial = 0; trial < 200; trial++) {
            String text = randomText(rnd, alphabet, rnd.nextInt(60));
            boolean bos = rnd.nextBoolean(), eos = rnd.nextBoolean();
            assertArrayEquals(runCEncode(tok, text, bos, eos), tok.encode(text, bos, eos), () -> "text: " + text);
        }
    }

    @Test
    void tiesMergeLeftmostFirstAsRunCDoes(@TempDir Path dir) throws IOException {
        // Every merge scores the same (and -0.0 equals 0.0 in C), so only the leftmost rule decides.
        List<String> extra = List.of(" ", "a", "b", "aa", "ab", "ba", "bb", "aab", "aba", "baa", "abab");
        float[] extraScores = {0f, 0f, 0f, -0.0f, 0f, -0.0f, 0f, 0f, -0.0f, 0f, 0f};
        Llama2cTokenizer tok = Llama2cTokenizer.open(writeTokenizer(dir.resolve("tok.bin"), extra, extraScores), 259 + extra.size());
        assertArrayEquals(new int[]{259, 262, 260}, tok.encode("aaa"));  // " ", "aa", "a": pair (a, a) at 1 beats the one at 2
        Random rnd = new Random();
        for (int trial = 0; trial < 300; trial++) {
            String text = randomText(rnd, "ab ", rnd.nextInt(40));
            assertArrayEquals(runCEncode(tok, text, true, false), tok.encode(text, true, false), () -> "text: " + text);
        }
    }

    @Test
    void emptyTextGetsNoDummyPrefix() {
        Llama2cTokenizer tok = stories();
        assertArrayEquals(new int[0], tok.encode(""));
        assertArrayEquals(new int[]{1, 2}, tok.encode("", true, true));
        int[] withEos = tok.encode("a", false, true);
        assertEquals(2, withEos[withEos.length - 1]);
    }

    @Test
    void unknownCodePointFallsBackToBytesPlusThreeAndDecodesWhole() {
        Llama2cTokenizer tok = stories();
        int[] ids = tok.encode("😀", true, false);  // F0 9F 98 80: not a piece of tok512
        assertEquals(6, ids.length);
        assertEquals(" ", tok.piece(ids[1]));        // the dummy prefix
        assertArrayEquals(new int[]{0xF0 + 3, 0x9F + 3, 0x98 + 3, 0x80 + 3}, Arrays.copyOfRange(ids, 2, 6));
        assertEquals("😀", tok.decode(ids));        // the four raw bytes join into one character
    }

    @Test
    void leadingSpaceIsDroppedOnlyAfterBos() {
        Llama2cTokenizer tok = stories();
        assertEquals("Once", tok.decode(tok.encode("Once", true, false)));
        assertEquals(" Once", tok.decode(tok.encode("Once")));
    }

    @Test
    void truncatedFileIsAOneLineError(@TempDir Path dir) throws IOException {
        Path full = writeTokenizer(dir.resolve("tok.bin"), List.of(" "), new float[]{0f});
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(full), 100));
        PareException e = assertThrows(PareException.class, () -> Llama2cTokenizer.open(cut, 260));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(PareException.class, () -> Llama2cTokenizer.open(dir.resolve("missing.bin"), 260));
    }

    private static String randomText(Random rnd, String alphabet, int length) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) sb.appendCodePoint(cps[rnd.nextInt(cps.length)]);
        return sb.toString();
    }

    /** llama2.c's layout: <unk>, BOS, EOS, the 256 byte pieces with score 0, then {@code extra}. */
    private static Path writeTokenizer(Path file, List<String> extra, float[] extraScores) throws IOException {
        List<byte[]> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        for (String s : new String[]{"<unk>", "\n<s>\n", "\n</s>\n"}) {
            pieces.add(s.getBytes(StandardCharsets.UTF_8));
            scores.add(0f);
        }
        for (int b = 0; b < 256; b++) {
            pieces.add("<0x%02X>".formatted(b).getBytes(StandardCharsets.UTF_8));
            scores.add(0f);
        }
        for (int i = 0; i < extra.size(); i++) {
            pieces.add(extra.get(i).getBytes(StandardCharsets.UTF_8));
            scores.add(extraScores[i]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        out.write(b.clear().putInt(6).array(), 0, 4);
        for (int i = 0; i < pieces.size(); i++) {
            out.write(b.clear().putFloat(scores.get(i)).putInt(pieces.get(i).length).array(), 0, 8);
            out.write(pieces.get(i));
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    /** Oracle: run.c's encode as written there — linear first-match lookup and the quadratic best-pair loop. */
    static int[] runCEncode(Llama2cTokenizer t, String text, boolean bos, boolean eos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        List<Integer> tokens = new ArrayList<>();
        if (bos) tokens.add(1);
        if (utf8.length > 0) tokens.add(lookup(t, " "));
        byte[] buf = new byte[8];
        int len = 0;
        for (int c = 0; c < utf8.length; c++) {
            if ((utf8[c] & 0xC0) != 0x80) len = 0;
            buf[len++] = utf8[c];
            if (c + 1 < utf8.length && (utf8[c + 1] & 0xC0) == 0x80 && len < 4) continue;
            int id = lookup(t, new String(buf, 0, len, StandardCharsets.ISO_8859_1));
            if (id != -1) tokens.add(id);
            else for (int i = 0; i < len; i++) tokens.add((buf[i] & 0xff) + 3);
            len = 0;
        }
        while (true) {
            float bestScore = -1e10f;
            int bestId = -1, bestIdx = -1;
            for (int i = 0; i < tokens.size() - 1; i++) {
                int id = lookup(t, t.piece(tokens.get(i)) + t.piece(tokens.get(i + 1)));
                if (id != -1 && t.score(id) > bestScore) {
                    bestScore = t.score(id);
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx == -1) break;
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        if (eos) tokens.add(2);
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int lookup(Llama2cTokenizer t, String piece) {
        for (int i = 0; i < t.vocabSize(); i++) if (t.piece(i).equals(piece)) return i;
        return -1;
    }
}
