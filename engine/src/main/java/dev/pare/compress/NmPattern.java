package dev.pare.compress;

import dev.pare.PareException;

/** N:M semi-structured sparsity: in every group of M consecutive input columns of a row, N weights are zero. */
public record NmPattern(int n, int m) {
    public NmPattern {
        if (n < 1 || m < 1 || n >= m) throw new PareException("--nm " + n + ":" + m + ": expected N:M with 1 ≤ N < M (e.g. 2:4)");
    }

    public static NmPattern parse(String text) {
        String[] parts = text.split(":");
        try {
            if (parts.length == 2) return new NmPattern(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new PareException("--nm '" + text + "': expected N:M, e.g. 2:4 or 4:8");
    }

    public double sparsity() {
        return (double) n / m;
    }

    /** Checked before anything is written: the pattern must tile every row. */
    public void requireDivides(int columns, String layer) {
        if (columns % m != 0) throw new PareException(layer + ": " + columns + " input columns are not divisible by M = " + m + " (--nm " + this + ")");
    }

    @Override
    public String toString() {
        return n + ":" + m;
    }
}
