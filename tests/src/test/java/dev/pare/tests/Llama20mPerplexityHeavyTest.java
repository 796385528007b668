package dev.pare.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pare.util.ProjectFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dense WikiText-2 perplexity of ../shared/models/llama20m against its model card (README.md there: 208.30 over
 * 191 windows of 2048 tokens, F16 checkpoint, the GPTQ protocol). Whole-model work: runs with -Pheavy only.
 */
@Tag("heavy")
class Llama20mPerplexityHeavyTest {
    private static final double REFERENCE_PERPLEXITY = 208.30;
    private static final int REFERENCE_WINDOWS = 191;
    private static final int REFERENCE_TEXT_TOKENS = 392_964;

    @Test
    void wikitext2PerplexityMatchesTheModelCard() throws Exception {
        Optional<Path> model = ProjectFiles.shared("models/llama20m");
        Optional<Path> wiki = ProjectFiles.shared("data/wiki.test.raw");
        assumeTrue(model.isPresent(), "../shared not present: models/llama20m");
        assumeTrue(wiki.isPresent(), "../shared not present: data/wiki.test.raw");

        Cli.Result r = Cli.ok("eval", "--model", model.get().toString(), "--wikitext2", wiki.get().toString(), "--json");
        JsonNode json = DemoModel.JSON.readTree(r.stdout());
        assertEquals(REFERENCE_PERPLEXITY, json.get("perplexity").asDouble(), REFERENCE_PERPLEXITY * 1e-3, r::toString);
        assertEquals(REFERENCE_WINDOWS, json.get("windows").asInt(), r::toString);
        assertEquals(2048, json.get("seqlen").asInt(), r::toString);
        assertEquals(REFERENCE_TEXT_TOKENS, json.get("text_tokens").asInt(), r::toString);
    }
}
