package dev.pare.tests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pare eval} end to end on the embedded model, against the perplexity in models/pare-demo/README.md. */
class EvalCommandTest {
    /** models/pare-demo/README.md: eval.txt, 512-token windows, tail dropped. */
    private static final double REFERENCE_PERPLEXITY = 17.90;
    private static final int REFERENCE_TEXT_TOKENS = 29_881;
    private static final int REFERENCE_WINDOWS = 58;

    @Test
    void jsonPerplexityOfTheDemoModelMatchesItsModelCard() throws Exception {
        Cli.Result r = Cli.ok("eval", "--model", DemoModel.dir().toString(), "--text", DemoModel.evalText().toString(), "--seqlen", "512", "--json");
        JsonNode json = DemoModel.JSON.readTree(r.stdout());
        double ppl = json.get("perplexity").asDouble();
        assertEquals(REFERENCE_PERPLEXITY, ppl, REFERENCE_PERPLEXITY * 1e-3, r::toString);
        assertEquals(REFERENCE_TEXT_TOKENS, json.get("text_tokens").asInt(), r::toString);
        assertEquals(REFERENCE_WINDOWS, json.get("windows").asInt(), r::toString);
        assertEquals(512, json.get("seqlen").asInt(), r::toString);
        assertEquals(REFERENCE_WINDOWS * 512L, json.get("tokens").asLong(), r::toString);
        assertEquals(Math.log(ppl), json.get("mean_nll").asDouble(), 1e-9, r::toString);
        assertEquals(1, r.stdout().strip().lines().count(), () -> "--json prints one object:\n" + r);
    }

    @Test
    void textModePrintsOnePerplexityLine(@TempDir Path tmp) {
        // A short excerpt keeps this fast; the exact value is the JSON test's job.
        Path text = DemoModel.excerpt(DemoModel.evalText(), 8_000, tmp.resolve("excerpt.txt"));
        Cli.Result r = Cli.ok("eval", "--model", DemoModel.dir().toString(), "--text", text.toString(), "--seqlen", "256");
        String line = r.stdout().strip();
        assertEquals(1, line.lines().count(), r::toString);
        assertTrue(line.matches("perplexity \\d+\\.\\d{4} .*windows × 256 tokens.*"), r::toString);
        Cli.assertNoStackTrace(r);
    }
}
