package dev.pare.util;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line of progress on the terminal for long work: "label i/N, rate unit/s, ETA". Redraws in place on a terminal
 * and prints at most one line every few seconds otherwise (logs stay short).
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final String unit;
    private final long start = System.nanoTime();
    private final boolean interactive = System.console() != null;
    private long lastPrint;
    private boolean quiet;

    public Progress(PrintStream out, String label, int total, String unit) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    public static Progress silent() {
        Progress p = new Progress(System.err, "", 1, "");
        p.quiet = true;
        return p;
    }

    /** {@code done} of {@code total} steps finished, {@code work} units processed so far (tokens, say). */
    public void update(int done, double work) {
        if (quiet) return;
        long now = System.nanoTime();
        if (done < total && now - lastPrint < (interactive ? 200_000_000L : 5_000_000_000L)) return;
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double eta = done == 0 ? Double.NaN : seconds * (total - done) / done;
        String line = String.format(Locale.ROOT, "%s %d/%d, %.0f %s/s, %.1f s elapsed, ETA %s",
                label, done, total, work / Math.max(seconds, 1e-9), unit, seconds, Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1f s", eta));
        if (interactive) {
            out.print("\r" + line + (done == total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
