package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import java.util.SplittableRandom;

/**
 * GPT-2's LM head as a Linear layer (x [1, 768] int16, weights int8 over 50,432 outputs), with the
 * weights committed as [O, K] (the plain layer) and as [K, O] (read transposed, as the tied head
 * reads the embedding's table): the witness's and the proof's process CPU time, best of a few
 * runs. Not a test; a measurement. Usage: {@code TransposedLinearCostReport [reps]}.
 */
public final class TransposedLinearCostReport {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int k = 768, o = 50_432;
        SplittableRandom rnd = new SplittableRandom(1);
        int[] w = new int[o * k];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextInt(255) - 127;
        long[] x = new long[1024];
        for (int i = 0; i < k; i++) x[i] = Goldilocks.fromSigned(rnd.nextInt(65535) - 32767);
        for (boolean transposed : new boolean[] {false, true}) {
            Circuit.Builder cb = new Circuit.Builder();
            int xt = cb.tensor("x", TensorLayout.of(1, k), TensorRole.INPUT);
            TensorLayout lw = transposed ? TensorLayout.of(k, o) : TensorLayout.of(o, k);
            int wt = cb.tensor("w", lw, TensorRole.MODEL);
            int y = cb.tensor("y", TensorLayout.of(1, o), TensorRole.COMPUTED);
            LinearLayer layer = new LinearLayer(xt, wt, -1, y, transposed);
            Circuit c = cb.layer(layer).build(xt, y);
            long[] wv = new long[lw.paddedSize()];
            for (int r = 0; r < o; r++) {
                for (int j = 0; j < k; j++) {
                    wv[transposed ? lw.paddedIndex(j, r) : lw.paddedIndex(r, j)] = Goldilocks.fromSigned(w[r * k + j]);
                }
            }
            long bestW = Long.MAX_VALUE, bestP = Long.MAX_VALUE;
            long[] out = null;
            for (int rep = 0; rep < reps; rep++) {
                WitnessValues wvs = new WitnessValues(c);
                wvs.put(xt, x);
                wvs.put(wt, wv);
                long t0 = cpu();
                new LinearLayerProver().computeWitness(layer, wvs);
                long t1 = cpu();
                Claim[] oc = LayerHarness.randomOutputClaims(layer, wvs, new SplittableRandom(rep));
                long t2 = cpu();
                LayerHarness.prove(layer, oc, wvs, Backends.get());
                long t3 = cpu();
                bestW = Math.min(bestW, t1 - t0);
                bestP = Math.min(bestP, t3 - t2);
                out = wvs.get(y);
            }
            long sum = 0;
            for (long v : out) sum = Goldilocks.add(sum, v);
            System.out.printf("%s: witness %.3f s, prove %.3f s of process CPU (best of %d; output sum %d)%n",
                    transposed ? "weights [K, O], read transposed" : "weights [O, K]", bestW / 1e9, bestP / 1e9, reps, sum);
        }
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
