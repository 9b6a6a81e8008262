package dev.zkinfer.prover.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.transcript.Transcript;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A transcript whose challenges are programmed in advance (the random-oracle simulator's view):
 * the j-th challenge under a label depends only on the seed, the label and j, never on what was
 * absorbed. With it an opening is a linear function of the committed data and the masks, which
 * is what the simulation tests measure. Test-only: it binds nothing.
 */
public final class ProgrammedTranscript implements Transcript {
    private final long seed;
    private final Map<String, Integer> counters = new HashMap<>();

    public ProgrammedTranscript(long seed) {
        this.seed = seed;
    }

    private SplittableRandom next(String label) {
        int j = counters.merge(label, 1, Integer::sum);
        return new SplittableRandom(seed * 31 + label.hashCode() * 1_000_003L + j);
    }

    private static long base(SplittableRandom r) {
        while (true) {
            long v = r.nextLong();
            if (Long.compareUnsigned(v, Goldilocks.P) < 0) {
                return v;
            }
        }
    }

    @Override
    public void domain(String tag) {}

    @Override
    public void absorbBytes(String label, byte[] data) {}

    @Override
    public void absorbLongs(String label, long[] values) {}

    @Override
    public void absorbExt(String label, Ext3 value) {}

    @Override
    public void absorbExts(String label, long[] arrayForm, int from, int count) {}

    @Override
    public long challengeBase(String label) {
        return base(next(label));
    }

    @Override
    public Ext3 challengeExt(String label) {
        SplittableRandom r = next(label);
        return new Ext3(base(r), base(r), base(r));
    }

    @Override
    public int[] challengeIndices(String label, int count, int bound) {
        SplittableRandom r = next(label);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = r.nextInt(bound);
        }
        return out;
    }

    @Override
    public byte[] challengeBytes(String label, int count) {
        byte[] b = new byte[count];
        next(label).nextBytes(b);
        return b;
    }
}
