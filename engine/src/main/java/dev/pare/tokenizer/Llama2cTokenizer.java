package dev.pare.tokenizer;

import dev.pare.PareException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * llama2.c's SentencePiece-style tokenizer ({@code tokenizer.bin}): int32 max_token_length, then per token a float32
 * merge score, an int32 byte length and the piece's bytes. Encoding and decoding behave as llama2.c's {@code run.c}
 * {@code encode} and {@code decode}, so that ids match what the model was evaluated with.
 * <p>
 * Pieces are held as ISO-8859-1 strings: one char per byte, so concatenation and hash lookup act on the raw bytes as
 * {@code strcmp} does in C, whatever UTF-8 the pieces hold.
 */
public final class Llama2cTokenizer implements Tokenizer {
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    /** Byte b falls back to id b + 3: ids 0..2 are {@code <unk>}, BOS and EOS, then the 256 {@code <0xNN>} pieces. */
    private static final int BYTE_OFFSET = 3;
    /** run.c starts its search for the best merge at this score, so merges scoring at or below it never happen. */
    private static final float NO_MERGE = -1e10f;

    private final Path file;
    private final String[] pieces;
    private final float[] scores;
    private final int maxTokenLength;
    private final Map<String, Integer> idOf;

    private Llama2cTokenizer(Path file, String[] pieces, float[] scores, int maxTokenLength) {
        this.file = file;
        this.pieces = pieces;
        this.scores = scores;
        this.maxTokenLength = maxTokenLength;
        this.idOf = HashMap.newHashMap(pieces.length);
        // run.c binary-searches a sorted copy; with duplicate pieces either id could come back. The lowest is our pick.
        for (int i = 0; i < pieces.length; i++) idOf.putIfAbsent(pieces[i], i);
    }

    /** Reads the first {@code vocabSize} tokens of {@code tokenizerBin}; the size is the checkpoint's vocab, as in run.c. */
    public static Llama2cTokenizer open(Path tokenizerBin, int vocabSize) {
        if (vocabSize <= 0) throw new PareException(tokenizerBin + ": vocab size must be positive, got " + vocabSize);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tokenizerBin);
        } catch (NoSuchFileException e) {
            throw new PareException(tokenizerBin + ": llama2.c tokenizer file not found");
        } catch (IOException e) {
            throw new PareException(tokenizerBin + ": cannot read llama2.c tokenizer: " + e.getMessage(), e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) throw new PareException(tokenizerBin + ": " + bytes.length + " bytes, too short for a llama2.c tokenizer header");
        int maxTokenLength = in.getInt();
        String[] pieces = new String[vocabSize];
        float[] scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            if (in.remaining() < 8)
                throw new PareException(tokenizerBin + ": token " + i + " of " + vocabSize + " starts at byte " + in.position() + " but the file has " + bytes.length + " bytes");
            scores[i] = in.getFloat();
            int len = in.getInt();
            if (len < 0 || len > in.remaining())
                throw new PareException(tokenizerBin + ": token " + i + " has length " + len + " but " + in.remaining() + " bytes remain in the file");
            pieces[i] = new String(bytes, in.position(), len, StandardCharsets.ISO_8859_1);
            in.position(in.position() + len);
        }
        return new Llama2cTokenizer(tokenizerBin, pieces, scores, maxTokenLength);
    }

    /** Token ids of {@code text}, with no BOS/EOS (but with llama2.c's dummy-prefix space when the text is non-empty). */
    @Override
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * llama2.c's {@code encode}: optional BOS, a dummy-prefix " " token when the text is non-empty, one token per UTF-8
     * code point (or per byte, as id byte+3, when the code point is not a piece), then the highest-scoring adjacent merge
     * repeatedly (ties to the leftmost) until none exists, then optional EOS. BOS takes part in the merge search as in C.
     * A NUL char, which would end the C string, is encoded as an ordinary byte here.
     */
    public int[] encode(String text, boolean bos, boolean eos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[utf8.length + 3];
        int n = 0;
        if (bos) tokens[n++] = BOS;
        if (utf8.length > 0) tokens[n++] = lookupRequired(" ");
        n = splitCodePoints(utf8, tokens, n);
        n = mergeGreedily(tokens, n);
        if (eos) tokens[n++] = EOS;
        return Arrays.copyOf(tokens, n);
    }

    /** run.c's byte loop: gather a lead byte and up to three continuation bytes, look the bytes up, else fall back per byte. */
    private int splitCodePoints(byte[] utf8, int[] tokens, int n) {
        int start = 0;
        int len = 0;
        for (int c = 0; c < utf8.length; c++) {
            if ((utf8[c] & 0xC0) != 0x80) {
                start = c;
                len = 0;
            } else if (len == 0) {
                start = c; // a stray continuation byte begins its own group, as the reset buffer does in C
            }
            len++;
            boolean nextIsContinuation = c + 1 < utf8.length && (utf8[c + 1] & 0xC0) == 0x80;
            if (nextIsContinuation && len < 4) continue;
            Integer id = idOf.get(new String(utf8, start, len, StandardCharsets.ISO_8859_1));
            if (id != null) {
                tokens[n++] = id;
            } else {
                for (int i = start; i < start + len; i++) tokens[n++] = (utf8[i] & 0xff) + BYTE_OFFSET;
            }
            len = 0;
        }
        return n;
    }

    /**
     * The same merges as run.c's quadratic loop (each step merges the adjacent pair whose concatenation is the
     * best-scoring piece, the leftmost on ties), found with a heap over a linked list so that long texts stay fast.
     * Node indices only ever keep their relative order, so "leftmost" is "smallest node index". Heap entries go stale
     * when either node changes; a version per node detects that.
     */
    private int mergeGreedily(int[] tokens, int n) {
        if (n < 2) return n;
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] version = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // Plain > and < on scores: C compares floats that way, and Float.compare would order -0.0 below 0.0.
        PriorityQueue<Candidate> heap = new PriorityQueue<>((a, b) ->
                a.score > b.score ? -1 : a.score < b.score ? 1 : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) offer(heap, tokens, version, i, i + 1);
        int alive = n;
        while (!heap.isEmpty()) {
            Candidate c = heap.poll();
            if (version[c.left] != c.leftVersion || version[c.right] != c.rightVersion || next[c.left] != c.right) continue;
            tokens[c.left] = c.id;
            version[c.left]++;
            version[c.right] = -1; // removed: no entry can match it again
            int after = next[c.right];
            next[c.left] = after;
            if (after >= 0) prev[after] = c.left;
            alive--;
            if (prev[c.left] >= 0) offer(heap, tokens, version, prev[c.left], c.left);
            if (after >= 0) offer(heap, tokens, version, c.left, after);
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) out[k++] = tokens[i];
        System.arraycopy(out, 0, tokens, 0, alive);
        return alive;
    }

    private void offer(PriorityQueue<Candidate> heap, int[] tokens, int[] version, int left, int right) {
        Integer id = idOf.get(pieces[tokens[left]] + pieces[tokens[right]]);
        if (id == null || !(scores[id] > NO_MERGE)) return;
        heap.add(new Candidate(scores[id], left, right, id, version[left], version[right]));
    }

    private record Candidate(float score, int left, int right, int id, int leftVersion, int rightVersion) {
    }

    private int lookupRequired(String piece) {
        Integer id = idOf.get(piece);
        if (id == null) throw new PareException(file + ": no piece for \"" + piece + "\", which llama2.c's encoder needs as the dummy prefix");
        return id;
    }

    /**
     * The bytes llama2.c's {@code decode(prev, token)} prints for {@code token}: after BOS a leading space is dropped
     * (SentencePiece strips the dummy prefix), and a {@code <0xNN>} piece is the raw byte NN.
     */
    public byte[] pieceBytes(int prevToken, int token) {
        checkId(token);
        String piece = pieces[token];
        if (prevToken == BOS && piece.startsWith(" ")) piece = piece.substring(1);
        int raw = rawByte(piece);
        if (raw >= 0) return new byte[]{(byte) raw};
        return piece.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The text of a whole sequence: the pieces as llama2.c prints them, joined as bytes and then read as UTF-8 (so a
     * character spread over several {@code <0xNN>} tokens comes out whole). BOS and EOS print nothing: llama2.c never
     * prints the BOS it starts from or stops at, and SentencePiece decodes control tokens to "".
     */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        int prev = -1;
        for (int id : ids) {
            if (id != BOS && id != EOS) out.writeBytes(pieceBytes(prev, id));
            prev = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** NN for a piece of the form {@code <0xNN>} (two hex digits), else -1. */
    private static int rawByte(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) throw new PareException(file + ": token id " + id + " is outside the vocabulary of " + pieces.length);
    }

    /** The piece's bytes as stored in the file (an ISO-8859-1 string: one char per byte). */
    public String piece(int id) {
        checkId(id);
        return pieces[id];
    }

    public float score(int id) {
        checkId(id);
        return scores[id];
    }

    public int maxTokenLength() {
        return maxTokenLength;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }
}
