package dev.pare.calib;

import dev.pare.PareException;
import dev.pare.io.SafetensorsFile;
import dev.pare.tensor.Tensor;
import dev.pare.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The calibration windows: {@code samples} sequences of {@code seqlen} token ids, the X through which every layer's
 * Hessian is measured. From text (random windows of the tokenized file, seeded, as the references draw from C4) or
 * from ready token ids (so that a run can use exactly the reference's calibration set).
 */
public record CalibrationSet(int[][] windows, String origin) {

    public int samples() {
        return windows.length;
    }

    public int seqlen() {
        return windows[0].length;
    }

    /** {@code samples} windows at uniformly random starts of the tokenized text (a window needs seqlen+1 tokens, as the references' sampling). */
    public static CalibrationSet fromText(Path file, Tokenizer tokenizer, int samples, int seqlen, long seed) {
        String text = readText(file);
        int[] ids = tokenizer.encode(text);
        if (ids.length < seqlen + 1)
            throw new PareException(file + ": the calibration text has " + ids.length + " tokens, fewer than one window of " + seqlen
                    + " (+1) (use a longer text, or a smaller --seqlen)");
        SplittableRandom random = new SplittableRandom(seed);
        int[][] windows = new int[samples][];
        for (int s = 0; s < samples; s++) {
            int start = random.nextInt(ids.length - seqlen);
            windows[s] = java.util.Arrays.copyOfRange(ids, start, start + seqlen);
        }
        return new CalibrationSet(windows, file + " (" + samples + " random windows of " + seqlen + " tokens, seed " + seed + ")");
    }

    /**
     * Ready token ids: a safetensors file with an integer tensor {@code input_ids} [n, seqlen], or a raw little-endian
     * uint16 {@code .bin} of n × seqlen ids. At most {@code samples} windows are used, each cut to {@code seqlen}
     * (0: as stored).
     */
    public static CalibrationSet fromTokens(Path file, int samples, int seqlen, int vocab) {
        if (!Files.isRegularFile(file)) throw new PareException(file + ": no such file (--calib-tokens)");
        int[][] all = file.getFileName().toString().endsWith(".safetensors") ? readSafetensors(file) : readUint16(file, seqlen);
        int n = Math.min(samples, all.length);
        int len = seqlen > 0 ? seqlen : all[0].length;
        if (len > all[0].length)
            throw new PareException(file + ": windows of " + all[0].length + " tokens are shorter than --seqlen " + len);
        int[][] windows = new int[n][];
        for (int s = 0; s < n; s++) {
            windows[s] = java.util.Arrays.copyOf(all[s], len);
            for (int id : windows[s])
                if (id < 0 || id >= vocab) throw new PareException(file + ": token id " + id + " is outside the model's vocabulary of " + vocab);
        }
        return new CalibrationSet(windows, file + " (" + n + " windows of " + len + " tokens)");
    }

    private static int[][] readSafetensors(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            if (!st.contains("input_ids")) throw new PareException(file + ": no tensor 'input_ids' (expected an integer tensor [n, seqlen])");
            Tensor t = st.get("input_ids");
            if (t.rank() != 2 || t.dtype().isFloat())
                throw new PareException(file + ": tensor 'input_ids' is " + t.dtype() + " " + t.shapeString() + ", expected an integer tensor [n, seqlen]");
            int n = (int) t.shape()[0], len = (int) t.shape()[1];
            int[][] out = new int[n][len];
            for (int s = 0; s < n; s++)
                for (int i = 0; i < len; i++) out[s][i] = (int) t.getLong((long) s * len + i);
            return out;
        }
    }

    private static int[][] readUint16(Path file, int seqlen) {
        if (seqlen <= 0) throw new PareException(file + ": a raw uint16 token file needs --seqlen to know its window length");
        int[] ids = readUint16(file);
        if (ids.length == 0 || ids.length % seqlen != 0)
            throw new PareException(file + ": " + 2L * ids.length + " bytes is not a whole number of " + seqlen + "-token uint16 windows");
        int[][] out = new int[ids.length / seqlen][];
        for (int s = 0; s < out.length; s++) out[s] = Arrays.copyOfRange(ids, s * seqlen, (s + 1) * seqlen);
        return out;
    }

    /** Token ids stored as raw little-endian uint16 (a calibration set, or a pre-tokenized evaluation text). */
    public static int[] readUint16(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length % 2 != 0) throw new PareException(file + ": " + bytes.length + " bytes is not a whole number of uint16 token ids");
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int[] ids = new int[bytes.length / 2];
            for (int i = 0; i < ids.length; i++) ids[i] = buf.getShort() & 0xffff;
            return ids;
        } catch (IOException e) {
            throw new PareException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static String readText(Path file) {
        if (!Files.isRegularFile(file)) throw new PareException(file + ": no such file (--calib)");
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PareException(file + ": cannot read as UTF-8 text (" + e.getMessage() + ")");
        }
    }
}
