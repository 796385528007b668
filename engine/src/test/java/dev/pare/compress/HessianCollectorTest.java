package dev.pare.compress;

import dev.pare.SharedTestData;
import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.model.Block;
import dev.pare.model.CausalLM;
import dev.pare.model.ForwardContext;
import dev.pare.model.HiddenStates;
import dev.pare.model.KvCache;
import dev.pare.model.Linear;
import dev.pare.model.LinearHook;
import dev.pare.model.LoadedModel;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Workspace;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class HessianCollectorTest {

    /**
     * LLaMA normalises into one buffer before attention and again before the MLP: gate and up must get the Hessian of
     * the second contents, not share q's because the buffer is the same object. Oracle: 2·XᵀX of a copy of each input.
     */
    @Test
    void everyLinearGetsTheHessianOfItsOwnInputEvenWhenABufferIsReused() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (Backend backend = new CpuBackend(); LoadedModel loaded = LoadedModel.open(SharedTestData.repo("models/pare-demo"));
             Arena arena = Arena.ofShared(); Workspace ws = new Workspace()) {
            CausalLM model = loaded.model();
            int[] tokens = new int[24];
            for (int i = 0; i < tokens.length; i++) tokens[i] = rnd.nextInt(model.config().vocab());
            FloatMatrix x = model.embed(tokens, 0, new ForwardContext(backend, ws, LinearHook.NONE)).copy(arena);
            Block block = model.block(0);
            HessianCollector collector = new HessianCollector(block, block.linears(), backend, arena);
            Map<Linear, FloatMatrix> inputs = new IdentityHashMap<>();
            LinearHook both = (linear, input) -> {
                inputs.put(linear, input.copy(arena));
                collector.beforeLinear(linear, input);
            };
            collector.nextSequence();
            block.forward(x, new KvCache(ws, x.rows(), block.kvDim()), new ForwardContext(backend, ws, both));

            Map<String, Linear> byName = new java.util.HashMap<>();
            for (Linear l : block.linears()) byName.put(l.shortName(), l);
            assertSame(collector.of(byName.get("self_attn.q_proj")), collector.of(byName.get("self_attn.v_proj")));
            assertSame(collector.of(byName.get("mlp.gate_proj")), collector.of(byName.get("mlp.up_proj")));
            assertNotSame(collector.of(byName.get("self_attn.q_proj")), collector.of(byName.get("mlp.gate_proj")));
            for (Linear l : block.linears()) {
                FloatMatrix in = inputs.get(l), h = collector.of(l).matrix();
                double scale = 0;
                for (int j = 0; j < in.cols(); j++) scale = Math.max(scale, h.get(j, j));
                for (int i = 0; i < in.cols(); i += 7)
                    for (int j = 0; j < in.cols(); j += 5) {
                        double s = 0;
                        for (int t = 0; t < in.rows(); t++) s += (double) in.get(t, i) * in.get(t, j);
                        assertEquals(2 * s, h.get(i, j), 1e-4 * scale, "seed " + seed + " " + l.shortName() + " H[" + i + "," + j + "]");
                    }
            }
        }
    }

    /**
     * An observing pass stops each window once the collector has every input it watches: for q,k,v that is before
     * attention. Oracle: the same collector fed by passes that run to the end (a hook that never says it has seen all).
     */
    @Test
    void anObservingPassStopsOnceEveryWatchedInputWasSeenWithTheSameHessians() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (Backend backend = new CpuBackend(); LoadedModel loaded = LoadedModel.open(SharedTestData.repo("models/pare-demo"));
             Arena arena = Arena.ofShared()) {
            CausalLM model = loaded.model();
            int[][] windows = new int[3][20];
            for (int[] w : windows) for (int i = 0; i < w.length; i++) w[i] = rnd.nextInt(model.config().vocab());
            Block block = model.block(0);
            for (java.util.List<Linear> group : block.sequentialGroups()) {
                try (HiddenStates x = new HiddenStates(model, windows, backend)) {
                    HessianCollector early = new HessianCollector(block, group, backend, arena);
                    HessianCollector full = new HessianCollector(block, group, backend, arena);
                    int[] calls = new int[1];
                    x.observe(block, new LinearHook() {
                        @Override
                        public void beforeLinear(Linear linear, FloatMatrix input) {
                            calls[0]++;
                            early.beforeLinear(linear, input);
                        }

                        @Override
                        public void nextSequence() {
                            early.nextSequence();
                        }

                        @Override
                        public boolean seenAll() {
                            return early.seenAll();
                        }
                    });
                    x.observe(block, new LinearHook() {
                        @Override
                        public void beforeLinear(Linear linear, FloatMatrix input) {
                            full.beforeLinear(linear, input);
                        }

                        @Override
                        public void nextSequence() {
                            full.nextSequence();
                        }
                    });
                    early.finish();
                    full.finish();
                    int last = 0;
                    for (Linear l : group) last = Math.max(last, block.linears().indexOf(l));
                    assertEquals(windows.length * (last + 1), calls[0], "linears run per window stop at the group's last one: " + group);
                    for (Linear l : group) {
                        FloatMatrix a = early.of(l).matrix(), b = full.of(l).matrix();
                        for (int i = 0; i < a.rows(); i++)
                            for (int j = 0; j < a.cols(); j++)
                                assertEquals(b.get(i, j), a.get(i, j), 0, "seed " + seed + " " + l.shortName() + " H[" + i + "," + j + "]");
                    }
                }
            }
        }
    }
}
