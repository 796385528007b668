package dev.pare.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.eval.Generator;
import dev.pare.io.SafetensorsFile;
import dev.pare.tensor.Tensor;
import dev.pare.util.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** karpathy's stories260K through the llama2.c importer, against the float64 reference in ../shared/reference/stories260K. */
class Stories260kTest {

    private static Path require(String relative) {
        var p = ProjectFiles.shared(relative);
        assumeTrue(p.isPresent(), "../shared/" + relative + " not present: the llama2.c reference cannot be checked here");
        return p.get();
    }

    @Test
    void greedyFromBosReproducesTheReferenceWordForWord() throws IOException {
        Path bin = require("models/stories260K/stories260K.bin");
        JsonNode ref = new ObjectMapper().readTree(require("reference/stories260K/greedy.json").toFile());
        int[] expected = new int[ref.get("greedy_token_ids").size()];
        for (int i = 0; i < expected.length; i++) expected[i] = ref.get("greedy_token_ids").get(i).asInt();
        try (LoadedModel m = LoadedModel.open(bin); Backend backend = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
            int bos = m.tokenizer().bosId();
            // The reference stops when the model emits BOS again (llama2.c's convention), so generate with BOS as the stop id.
            int[] generated = Generator.greedy(m.model(), backend, new int[]{bos}, expected.length - 1, bos, m.model().config().contextLength(), id -> { });
            int[] sequence = new int[generated.length + 1];
            sequence[0] = bos;
            System.arraycopy(generated, 0, sequence, 1, generated.length);
            int[] comparable = sequence[sequence.length - 1] == bos && expected[expected.length - 1] != bos
                    ? Arrays.copyOf(sequence, sequence.length - 1) : sequence;
            assertArrayEquals(expected, comparable, "greedy token ids differ from the reference");
            assertEquals(ref.get("greedy_text").asText(), m.tokenizer().decode(expected), "decoded text differs");
        }
    }

    @Test
    void logitsMatchTheFloat64Reference() {
        Path bin = require("models/stories260K/stories260K.bin");
        try (LoadedModel m = LoadedModel.open(bin); Backend backend = new CpuBackend(Runtime.getRuntime().availableProcessors());
             SafetensorsFile ref = SafetensorsFile.open(require("reference/stories260K/logits.safetensors"))) {
            var ids = ref.get("input_ids");
            var logits = ref.get("logits");
            // Reshape the 1-D reference as one sequence for the shared comparison.
            var ids2 = new Tensor("input_ids", ids.dtype(), new long[]{1, ids.shape()[0]}, ids.data());
            var logits3 = new Tensor("logits", logits.dtype(), new long[]{1, logits.shape()[0], logits.shape()[1]}, logits.data());
            double err = LogitParity.maxRelativeError(m.model(), backend, ids2, logits3);
            System.out.printf("forward parity %-20s relative L2 error %.3e%n", "stories260K", err);
            assertTrue(err <= 1e-4, "relative L2 error of the logits " + err + " > 1e-4");
        }
    }
}
