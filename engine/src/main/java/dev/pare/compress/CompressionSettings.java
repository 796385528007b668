package dev.pare.compress;

import dev.pare.PareException;
import dev.pare.compress.schedule.ScheduleSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one `pare compress` run is told, checked as a whole before any work starts.
 *
 * @param bits           0 for no quantization
 * @param groupSize      0 for one grid per output channel
 * @param trueSequential null for the method's reference default (GPTQ: on; the pruners: off)
 * @param seqlen         calibration window length, null for min(2048, the model's context)
 * @param evalSeqlen     evaluation window length, null for the same default
 * @param out            null only for a dry run (which then prints the schedule and writes nothing)
 * @param schedule       how the per-layer sparsities are chosen around the target {@code sparsity}
 * @param dryRun         compute and print the schedule, compress nothing
 */
public record CompressionSettings(Path model, Path out, String method, double sparsity, NmPattern nm, int bits, boolean symmetric,
                                  int groupSize, boolean actOrder, boolean staticGroups, int blocksize, double percdamp,
                                  Boolean trueSequential, Path calibText, Path calibTokens, int nsamples, Integer seqlen, long seed,
                                  Path evalText, Path evalWikitext2, Integer evalSeqlen, List<String> command,
                                  ScheduleSettings schedule, boolean dryRun) {
    public static final List<String> METHODS = List.of("magnitude", "wanda", "sparsegpt", "gptq", "rtn");

    /** Uniform sparsity, a real run. */
    public CompressionSettings(Path model, Path out, String method, double sparsity, NmPattern nm, int bits, boolean symmetric,
                               int groupSize, boolean actOrder, boolean staticGroups, int blocksize, double percdamp,
                               Boolean trueSequential, Path calibText, Path calibTokens, int nsamples, Integer seqlen, long seed,
                               Path evalText, Path evalWikitext2, Integer evalSeqlen, List<String> command) {
        this(model, out, method, sparsity, nm, bits, symmetric, groupSize, actOrder, staticGroups, blocksize, percdamp, trueSequential,
                calibText, calibTokens, nsamples, seqlen, seed, evalText, evalWikitext2, evalSeqlen, command, ScheduleSettings.UNIFORM, false);
    }

    public CompressionSettings {
        if (out == null && !dryRun) throw new PareException("--out is required (unless --dry-run)");
        if (schedule == null) schedule = ScheduleSettings.UNIFORM;
        if (!METHODS.contains(method)) throw new PareException("--method '" + method + "': expected one of " + String.join(", ", METHODS));
        if (!(sparsity >= 0 && sparsity < 1)) throw new PareException("--sparsity " + sparsity + ": expected a fraction in [0, 1)");
        if (bits != 0 && (bits < 2 || bits > 8)) throw new PareException("--bits " + bits + ": expected 2 to 8");
        if (groupSize < 0) throw new PareException("--group-size " + groupSize + ": expected at least 1");
        if (blocksize < 1) throw new PareException("--blocksize " + blocksize + ": expected at least 1");
        if (!(percdamp > 0)) throw new PareException("--percdamp " + percdamp + ": expected a positive fraction of mean(diag H)");
        if (nsamples < 1) throw new PareException("--nsamples " + nsamples + ": expected at least 1");
        if (seqlen != null && seqlen < 2) throw new PareException("--seqlen " + seqlen + ": expected at least 2");
        if (nm != null && sparsity > 0) throw new PareException("--nm " + nm + " and --sparsity " + sparsity + " both given: N:M fixes the sparsity at N/M");
        if (nm != null && nm.m() > blocksize) throw new PareException("--nm " + nm + ": M must not exceed --blocksize " + blocksize);
        boolean prunes = pruning(method);
        if (prunes && sparsity == 0 && nm == null) throw new PareException("--method " + method + " prunes: give --sparsity S (e.g. 0.5) or --nm N:M");
        if (!prunes && (sparsity > 0 || nm != null)) throw new PareException("--method " + method + " only quantizes: --sparsity and --nm do not apply (use sparsegpt with --bits for both)");
        if ((method.equals("gptq") || method.equals("rtn")) && bits == 0) throw new PareException("--method " + method + " quantizes: give --bits B (2 to 8)");
        if ((method.equals("magnitude") || method.equals("wanda")) && bits != 0) throw new PareException("--bits with --method " + method + ": joint pruning and quantization is --method sparsegpt --bits B");
        if ((actOrder || staticGroups) && !method.equals("gptq")) throw new PareException("--act-order and --static-groups apply to --method gptq only");
        if (staticGroups && groupSize == 0) throw new PareException("--static-groups needs --group-size G");
        if (groupSize > 0 && bits == 0) throw new PareException("--group-size " + groupSize + " without --bits: groups are quantization groups");
        if (calibText != null && calibTokens != null) throw new PareException("--calib and --calib-tokens both given: choose one");
        if (calibrated(method) && calibText == null && calibTokens == null)
            throw new PareException("--method " + method + " needs calibration data: give --calib TEXT_FILE or --calib-tokens FILE");
        if (evalText != null && evalWikitext2 != null) throw new PareException("--eval and --eval-wikitext2 both given: choose one");
        if (!schedule.isUniform()) {
            String flag = "--scheduler " + ScheduleSettings.name(schedule.scheduler());
            if (!prunes) throw new PareException(flag + " sets per-layer sparsity: --method " + method + " only quantizes (use sparsegpt with --bits)");
            if (nm != null) throw new PareException(flag + " and --nm " + nm + " both given: N:M fixes every layer's sparsity at N/M");
            schedule.checkTarget(sparsity);
            if (calibText == null && calibTokens == null)
                throw new PareException(flag + " needs calibration data for its dense pre-pass: give --calib TEXT_FILE or --calib-tokens FILE");
        }
        if (dryRun && (evalText != null || evalWikitext2 != null))
            throw new PareException("--dry-run compresses nothing: --eval and --eval-wikitext2 do not apply");
    }

    static boolean pruning(String method) {
        return method.equals("magnitude") || method.equals("wanda") || method.equals("sparsegpt");
    }

    /** Calibration data is read for the method's Hessians or for the scheduler's dense pre-pass. */
    public boolean needsCalibration() {
        return calibrated(method) || !schedule.isUniform();
    }

    static boolean calibrated(String method) {
        return !method.equals("magnitude") && !method.equals("rtn");
    }

    public boolean isTrueSequential() {
        return trueSequential != null ? trueSequential : method.equals("gptq");
    }

    public LayerMethod layerMethod() {
        QuantGrid grid = bits == 0 ? null : new QuantGrid(bits, symmetric);
        return switch (method) {
            case "magnitude" -> new Magnitude(nm);
            case "wanda" -> new Wanda(nm);
            case "sparsegpt" -> new SparseGpt(nm, grid, groupSize, blocksize, percdamp);
            case "gptq" -> new Gptq(grid, groupSize, actOrder, staticGroups, blocksize, percdamp);
            case "rtn" -> new Rtn(grid, groupSize);
            default -> throw new IllegalStateException(method);
        };
    }

    /** The target s*: every layer's sparsity under the uniform schedule, the parameter-weighted mean under the others. */
    public double targetSparsity() {
        return nm != null ? nm.sparsity() : sparsity;
    }
}
