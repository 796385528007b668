package dev.pare.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.eval.Perplexity;
import dev.pare.eval.PerplexityResult;
import dev.pare.eval.WikiText2;
import dev.pare.model.LoadedModel;
import dev.pare.util.Progress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Perplexity by the GPTQ protocol: the text tokenized once, non-overlapping windows of --seqlen tokens, tail dropped.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder or llama2.c .bin")
    Path modelPath;

    @Option(names = "--tokenizer", description = "tokenizer file, if not in the default place")
    Path tokenizer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    EvalText text;

    @Option(names = "--seqlen", description = "window length (default: min(2048, the model's context))")
    Integer seqlen;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Mixin
    CommonOptions common;

    static final class EvalText {
        @Option(names = "--text", required = true, description = "evaluate this text file as it is")
        Path text;

        @Option(names = "--wikitext2", required = true, description = "wiki.test.raw, rebuilt as the HF wikitext-2-raw-v1 test split (rows joined with \"\\n\\n\")")
        Path wikitext2;

        /** The file being evaluated, for messages. */
        Path file() {
            return wikitext2 != null ? wikitext2 : text;
        }

        String read() {
            if (wikitext2 != null) return WikiText2.rebuild(wikitext2);
            if (!Files.isRegularFile(text)) throw new PareException(text + ": no such file (--text)");
            try {
                String s = Files.readString(text, StandardCharsets.UTF_8);
                if (s.isEmpty()) throw new PareException(text + ": the evaluation text is empty (--text)");
                return s;
            } catch (IOException e) {
                throw new PareException(text + ": cannot read as UTF-8 text (" + e.getMessage() + ")");
            }
        }
    }

    @Override
    public Integer call() {
        String body = text.read();
        try (LoadedModel m = LoadedModel.open(modelPath, tokenizer); Backend backend = common.backend()) {
            int context = m.model().config().contextLength();
            int window = seqlen != null ? seqlen : Math.min(2048, context);
            if (window > context)
                throw new PareException("--seqlen " + window + " is longer than the model's context of " + context + " tokens (" + m.path() + ")");
            int[] ids = m.tokenizer().encode(body);
            if (ids.length < window)
                throw new PareException(text.file() + ": the evaluation text has " + ids.length + " tokens, fewer than one window of " + window
                        + " (use a longer text or a smaller --seqlen)");
            Progress progress = json ? Progress.silent() : new Progress(System.err, "eval: window", Math.max(1, ids.length / Math.max(window, 1)), "tokens");
            PerplexityResult r = Perplexity.evaluate(m.model(), backend, ids, window, progress);
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", m.path().toString());
                o.put("perplexity", r.perplexity());
                o.put("mean_nll", r.meanNll());
                o.put("tokens", r.tokens());
                o.put("text_tokens", ids.length);
                o.put("windows", r.windows());
                o.put("seqlen", r.seqlen());
                o.put("seconds", r.seconds());
                o.put("backend", backend.name());
                System.out.println(o);
            } else {
                System.out.printf(Locale.ROOT, "perplexity %.4f  (mean NLL %.5f nats; %d windows × %d tokens of %d; %.1f s, %.0f tokens/s on %s)%n",
                        r.perplexity(), r.meanNll(), r.windows(), r.seqlen(), ids.length, r.seconds(), r.tokens() / r.seconds(), backend.name());
            }
        }
        return 0;
    }
}
