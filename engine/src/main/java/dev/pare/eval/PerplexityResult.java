package dev.pare.eval;

/**
 * Perplexity by the GPTQ protocol: exp of the mean, over non-overlapping windows, of each window's mean next-token NLL.
 *
 * @param tokens  tokens in the evaluated windows (windows × seqlen; the tail is dropped)
 */
public record PerplexityResult(double perplexity, double meanNll, long tokens, int windows, int seqlen, double seconds) {
}
