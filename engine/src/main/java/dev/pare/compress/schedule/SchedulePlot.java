package dev.pare.compress.schedule;

import dev.pare.PareException;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The schedule as a picture, written beside pare-report.json: per unit, the target sparsity (left, bars coloured by
 * level) next to the log-error (right: the pre-pass's estimate log₁₀ Ē(s*) and, after compression, the relative error
 * the layer really reached), so one sees at a glance whether the sparsity went where the error is cheap.
 * Drawn with java.awt in headless mode: no display is needed. Where the JDK finds no font (a bare server image without
 * fontconfig), the plot is drawn without its text rather than not at all.
 */
public final class SchedulePlot {
    private static final int WIDTH = 1400, HEIGHT = 560, PANEL_GAP = 70, LEFT = 70, RIGHT = 20, TOP = 60, BOTTOM = 60;
    private static final Color ESTIMATE = new Color(0x1f77b4), MEASURED = new Color(0xd62728), GRID = new Color(0xe6e6e6),
            BLOCK_LINE = new Color(0xbdbdbd), TEXT = new Color(0x222222);

    private final Schedule schedule;
    private final double[] measuredLog10;
    private Graphics2D g;
    private boolean text = true;
    private Consumer<String> log;

    /**
     * @param measuredLog10 per entry, log₁₀ of the relative error compression reached; null (or NaN entries) where
     *                      there is none yet, as in a dry run
     */
    public SchedulePlot(Schedule schedule, double[] measuredLog10) {
        this.schedule = schedule;
        this.measuredLog10 = measuredLog10;
    }

    public void write(Path png, Consumer<String> log) {
        this.log = log;
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int panel = (WIDTH - LEFT - RIGHT - PANEL_GAP - LEFT) / 2;
            sparsityPanel(LEFT, panel);
            errorPanel(LEFT + panel + PANEL_GAP + LEFT, panel);
            drawText(schedule.describe(), LEFT, 24, 14, false);
        } finally {
            g.dispose();
        }
        try {
            if (!ImageIO.write(image, "png", png.toFile())) throw new IOException("no PNG writer in this JDK");
        } catch (IOException e) {
            throw new PareException(png + ": cannot write the schedule plot (" + e.getMessage() + ")");
        }
    }

    private void sparsityPanel(int x0, int width) {
        List<Schedule.Entry> entries = schedule.entries();
        double lo = schedule.target(), hi = schedule.target();
        for (Schedule.Entry e : entries) {
            lo = Math.min(lo, e.sparsity());
            hi = Math.max(hi, e.sparsity());
        }
        Axis y = Axis.around(Math.max(0, lo - 0.05), hi + 0.05, TOP, HEIGHT - BOTTOM).withLegendRoom();
        frame(x0, width, y, "target sparsity per " + unit(), "%.2f");
        int maxLevel = entries.stream().mapToInt(Schedule.Entry::level).max().orElse(-1);
        double slot = (double) width / entries.size();
        for (int u = 0; u < entries.size(); u++) {
            Schedule.Entry e = entries.get(u);
            int left = (int) Math.round(x0 + u * slot + slot * 0.1), right = (int) Math.round(x0 + (u + 1) * slot - slot * 0.1);
            int top = y.pixel(e.sparsity());
            g.setColor(levelColor(e.level(), maxLevel));
            g.fillRect(left, top, Math.max(1, right - left), y.pixel(y.min) - top);
        }
        g.setColor(TEXT);
        Stroke old = g.getStroke();
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[]{6, 4}, 0));
        g.drawLine(x0, y.pixel(schedule.target()), x0 + width, y.pixel(schedule.target()));
        g.setStroke(old);
        drawText(String.format(Locale.ROOT, "s* = %.3g", schedule.target()), x0 + width - 70, y.pixel(schedule.target()) - 4, 11, false);
        if (maxLevel >= 0) {
            int lx = x0 + 8;
            for (int k = 0; k <= maxLevel; k++) {
                g.setColor(levelColor(k, maxLevel));
                g.fillRect(lx, TOP + 6, 10, 10);
                drawText("level " + k, lx + 13, TOP + 15, 11, false);
                lx += 62;
            }
        }
    }

    private void errorPanel(int x0, int width) {
        List<Schedule.Entry> entries = schedule.entries();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < entries.size(); u++) {
            for (double v : new double[]{entries.get(u).lambda(), entries.get(u).scheduled(), measured(u)}) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = -3;
            hi = 0;
        }
        Axis y = Axis.around(Math.floor(lo * 2) / 2 - 0.25, Math.ceil(hi * 2) / 2 + 0.25, TOP, HEIGHT - BOTTOM).withLegendRoom();
        frame(x0, width, y, "log10 relative error per " + unit(), "%.1f");
        double slot = (double) width / entries.size();
        for (int u = 0; u < entries.size(); u++) {
            int cx = (int) Math.round(x0 + (u + 0.5) * slot);
            double atTarget = entries.get(u).lambda(), scheduled = entries.get(u).scheduled(), reached = measured(u);
            if (Double.isFinite(atTarget)) {
                g.setColor(ESTIMATE);
                g.drawOval(cx - 4, y.pixel(atTarget) - 4, 8, 8);
            }
            if (Double.isFinite(scheduled)) {
                g.setColor(ESTIMATE);
                g.fillOval(cx - 3, y.pixel(scheduled) - 3, 7, 7);
            }
            if (Double.isFinite(reached)) {
                g.setColor(MEASURED);
                int py = y.pixel(reached);
                g.drawLine(cx - 4, py - 4, cx + 4, py + 4);
                g.drawLine(cx - 4, py + 4, cx + 4, py - 4);
            }
        }
        g.setColor(ESTIMATE);
        g.drawOval(x0 + 10, TOP + 7, 8, 8);
        drawText("estimate log10 Ē(s*) at the target (dense pre-pass)", x0 + 22, TOP + 15, 11, false);
        g.setColor(ESTIMATE);
        g.fillOval(x0 + 10, TOP + 23, 8, 8);
        drawText("estimate log10 Ē(s) at the scheduled sparsity", x0 + 22, TOP + 31, 11, false);
        g.setColor(MEASURED);
        g.drawLine(x0 + 10, TOP + 39, x0 + 18, TOP + 47);
        g.drawLine(x0 + 10, TOP + 47, x0 + 18, TOP + 39);
        drawText("reached log10 ‖WX−ŴX‖²/‖WX‖² (compression)", x0 + 22, TOP + 47, 11, false);
    }

    private String unit() {
        return schedule.settings().granularity() == ScheduleSettings.Granularity.BLOCK ? "block" : "linear";
    }

    private double measured(int u) {
        return measuredLog10 == null ? Double.NaN : measuredLog10[u];
    }

    /** Axes, horizontal grid, block separators and block numbers under the x axis. */
    private void frame(int x0, int width, Axis y, String title, String tickFormat) {
        List<Schedule.Entry> entries = schedule.entries();
        double slot = (double) width / entries.size();
        for (double t : y.ticks()) {
            g.setColor(GRID);
            g.drawLine(x0, y.pixel(t), x0 + width, y.pixel(t));
            drawText(String.format(Locale.ROOT, tickFormat, t), x0 - 8, y.pixel(t) + 4, 11, true);
        }
        int start = 0;
        int labelEvery = Math.max(1, (int) Math.ceil(entries.get(entries.size() - 1).block() / 16.0));
        for (int u = 1; u <= entries.size(); u++) {
            if (u < entries.size() && entries.get(u).block() == entries.get(start).block()) continue;
            int xs = (int) Math.round(x0 + start * slot), xe = (int) Math.round(x0 + u * slot);
            g.setColor(BLOCK_LINE);
            if (u < entries.size()) g.drawLine(xe, TOP, xe, HEIGHT - BOTTOM);
            int block = entries.get(start).block();
            if (block % labelEvery == 0) drawText(Integer.toString(block), (xs + xe) / 2 + 4, HEIGHT - BOTTOM + 16, 11, true);
            start = u;
        }
        g.setColor(TEXT);
        g.drawRect(x0, TOP, width, HEIGHT - BOTTOM - TOP);
        drawText(title, x0, TOP - 8, 13, false);
        drawText(schedule.settings().granularity() == ScheduleSettings.Granularity.BLOCK ? "block" : "block (its linears in forward order)",
                x0 + width / 2 + 60, HEIGHT - BOTTOM + 38, 11, true);
    }

    private static Color levelColor(int level, int maxLevel) {
        if (level < 0 || maxLevel <= 0) return new Color(0x6a8caf);
        // Level 0 (cheapest, pruned most) green through to the last (most expensive, pruned least) red.
        float t = (float) level / maxLevel;
        return Color.getHSBColor(0.33f * (1 - t), 0.65f, 0.85f);
    }

    /** Text, unless this JDK has no usable font: then the plot goes on without it (said once). */
    private void drawText(String s, int x, int y, int size, boolean rightAligned) {
        if (!text) return;
        try {
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            int w = rightAligned ? g.getFontMetrics().stringWidth(s) : 0;
            g.drawString(s, x - w, y);
        } catch (RuntimeException | LinkageError e) {
            text = false;
            log.accept("schedule plot: no usable font in this JDK (" + e + "); drawing it without labels");
        }
    }

    /** A vertical value axis mapped onto pixels [top, bottom]; ticks only up to the data's range (dataMax). */
    private record Axis(double min, double max, double dataMax, int top, int bottom) {
        static Axis around(double min, double max, int top, int bottom) {
            if (!(max > min)) max = min + 1;
            return new Axis(min, max, max, top, bottom);
        }

        /** The same axis reaching a fifth higher, so that the legend in the panel's top left covers no data. */
        Axis withLegendRoom() {
            return new Axis(min, max + (max - min) / 5, dataMax, top, bottom);
        }

        int pixel(double v) {
            return (int) Math.round(bottom - (v - min) / (max - min) * (bottom - top));
        }

        double[] ticks() {
            double range = dataMax - min;
            double step = Math.pow(10, Math.floor(Math.log10(range / 4)));
            if (range / step > 10) step *= 2;
            if (range / step > 10) step *= 2.5;
            double first = Math.ceil(min / step) * step;
            int n = (int) Math.floor((dataMax - first) / step + 1e-9) + 1;
            double[] t = new double[Math.max(0, n)];
            for (int i = 0; i < t.length; i++) t[i] = first + i * step;
            return t;
        }
    }
}
