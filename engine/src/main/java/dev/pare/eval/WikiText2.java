package dev.pare.eval;

import dev.pare.PareException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The WikiText-2 test text exactly as the GPTQ/SparseGPT perplexity scripts feed it to the tokenizer:
 * {@code "\n\n".join(load_dataset("wikitext", "wikitext-2-raw-v1", split="test")["text"])}. Reference perplexities
 * depend on every byte of it, so the Hugging Face loader is reproduced rather than approximated.
 */
public final class WikiText2 {
    private WikiText2() {
    }

    /**
     * The text built from {@code wiki.test.raw}. The Hugging Face loader reads the file in Python text mode (UTF-8,
     * universal newlines: CRLF and CR become "\n") and makes one row per line, keeping its "\n"; a line that
     * {@code str.strip()} empties becomes "". Rows are then joined with "\n\n".
     */
    public static String rebuild(Path wikiTestRaw) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(wikiTestRaw);
        } catch (NoSuchFileException e) {
            throw new PareException(wikiTestRaw + ": WikiText-2 test file not found (expected wikitext-2-raw/wiki.test.raw)");
        } catch (IOException e) {
            throw new PareException(wikiTestRaw + ": cannot read WikiText-2 test file: " + e.getMessage(), e);
        }
        if (bytes.length == 0) throw new PareException(wikiTestRaw + ": WikiText-2 test file is empty");
        String text;
        try {
            // Strict decoding: Python would raise on malformed UTF-8, and a silently replaced byte changes the perplexity.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PareException(wikiTestRaw + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        if (text.indexOf('\r') >= 0) text = text.replace("\r\n", "\n").replace('\r', '\n');

        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        int start = 0;
        boolean first = true;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            if (!first) out.append("\n\n");
            first = false;
            if (!isPythonBlank(text, start, end)) out.append(text, start, end);
            start = end;
        }
        return out.toString();
    }

    /** Whether {@code s[from, to)} is all whitespace as Python's {@code str.isspace} sees it (so that strip() empties it). */
    static boolean isPythonBlank(String s, int from, int to) {
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            if (!isPythonSpace(cp)) return false;
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * Python's whitespace: Unicode category Zs or bidirectional class WS, B or S. Java's isWhitespace differs (it leaves
     * out no-break spaces and includes none of U+0085), hence this list.
     */
    static boolean isPythonSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }
}
