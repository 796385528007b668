package dev.pare.cli;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.eval.Generator;
import dev.pare.model.LoadedModel;
import dev.pare.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy continuation of a prompt, for a human check.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder or llama2.c .bin")
    Path modelPath;

    @Option(names = "--tokenizer", description = "tokenizer file, if not in the default place")
    Path tokenizer;

    @Option(names = "--prompt", defaultValue = "", description = "the prompt (default: empty, starting from BOS)")
    String prompt;

    @Option(names = "--tokens", defaultValue = "64", description = "how many tokens to generate (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--bos", negatable = true, description = "start with the BOS token (default: only when the prompt is empty)")
    Boolean bos;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (tokens < 1) throw new PareException("--tokens must be at least 1, got " + tokens);
        try (LoadedModel m = LoadedModel.open(modelPath, tokenizer); Backend backend = common.backend()) {
            generate(m, backend, prompt, tokens, bos != null ? bos : prompt.isEmpty(), true);
            System.out.println();

        }
        return 0;
    }

    /**
     * Greedy continuation of {@code prompt}, printed as it is produced when {@code stream}; returns its text. Each step
     * decodes the whole sequence and prints what is new, so multi-byte characters and leading-space rules come out right.
     */
    static String generate(LoadedModel m, Backend backend, String prompt, int tokens, boolean bos, boolean stream) {
        Tokenizer tok = m.tokenizer();
        int[] ids = tok.encode(prompt);
        if (bos) {
            if (tok.bosId() < 0) throw new PareException(m.path() + ": the tokenizer has no BOS token (pass a --prompt)");
            int[] withBos = new int[ids.length + 1];
            withBos[0] = tok.bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        if (ids.length == 0) throw new PareException("--prompt encodes to no tokens and --no-bos was given");
        int[] prefix = ids;
        String head = tok.decode(prefix);
        int[] sequence = Arrays.copyOf(prefix, prefix.length + tokens);
        int[] length = {prefix.length};
        StringBuilder shown = new StringBuilder(head);
        if (stream) System.out.print(head);
        Generator.greedy(m.model(), backend, prefix, tokens, tok.eosId(), m.model().config().contextLength(), id -> {
            sequence[length[0]++] = id;
            String text = tok.decode(Arrays.copyOf(sequence, length[0]));
            if (text.startsWith(shown.toString()) && !text.endsWith("\uFFFD")) {
                if (stream) System.out.print(text.substring(shown.length()));
                System.out.flush();
                shown.setLength(0);
                shown.append(text);
            }
        });
        String text = tok.decode(Arrays.copyOf(sequence, length[0]));
        if (stream && text.startsWith(shown.toString())) System.out.print(text.substring(shown.length()));
        return text.startsWith(head) ? text.substring(head.length()) : text;
    }
}
