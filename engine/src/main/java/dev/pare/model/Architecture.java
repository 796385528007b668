package dev.pare.model;

import dev.pare.PareException;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The model families Pare runs, by the names Hugging Face writes into {@code config.json}'s "architectures". */
public enum Architecture {
    LLAMA(List.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM")),
    OPT(List.of("OPTForCausalLM")),
    GPT2(List.of("GPT2LMHeadModel")),
    BLOOM(List.of("BloomForCausalLM"));

    public final List<String> hfNames;

    Architecture(List<String> hfNames) {
        this.hfNames = hfNames;
    }

    public static String supportedNames() {
        return Arrays.stream(values()).flatMap(a -> a.hfNames.stream()).collect(Collectors.joining(", "));
    }

    public static Architecture fromHfName(String name, String where) {
        for (Architecture a : values()) if (a.hfNames.contains(name)) return a;
        throw new PareException(where + ": unsupported architecture '" + name + "' (supported: " + supportedNames() + ")");
    }
}
