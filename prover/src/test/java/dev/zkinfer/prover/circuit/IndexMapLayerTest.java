package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Goldilocks;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IndexMapLayerTest {
    record Setup(Circuit circuit, IndexMapLayer layer, WitnessValues w) {}

    static Setup setup(int[][] inDims, int[] outDims, IndexMap map, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int[] ins = new int[inDims.length];
        for (int k = 0; k < ins.length; k++) {
            ins[k] = cb.tensor("x" + k, new TensorLayout(inDims[k]), TensorRole.INPUT);
        }
        int y = cb.tensor("y", new TensorLayout(outDims), TensorRole.COMPUTED);
        IndexMapLayer layer = new IndexMapLayer(ins, y, map);
        Circuit c = cb.layer(layer).build(ins, new int[] {y});
        WitnessValues w = new WitnessValues(c);
        for (int k = 0; k < ins.length; k++) {
            long[] real = new long[(int) c.tensor(ins[k]).layout().size()];
            for (int i = 0; i < real.length; i++) {
                real[i] = Goldilocks.fromSigned(rnd.nextInt(2001) - 1000);
            }
            w.put(ins[k], c.tensor(ins[k]).layout().pad(real, 0));
        }
        LayerHarness.computeWitness(c, w);
        return new Setup(c, layer, w);
    }

    static long[][] realInputs(Setup s) {
        int[] ins = s.layer.inputs();
        long[][] r = new long[ins.length][];
        for (int k = 0; k < ins.length; k++) {
            r[k] = s.circuit.tensor(ins[k]).layout().unpad(s.w.get(ins[k]));
        }
        return r;
    }

    /** Witness equals the independent reference (real part) and its padding is zero; then prove and verify. */
    static Setup check(int[][] inDims, int[] outDims, IndexMap map, Function<long[][], long[]> reference, long seed)
            throws InvalidProofException {
        Setup s = setup(inDims, outDims, map, seed);
        TensorLayout ly = s.circuit.tensor(s.layer.output()).layout();
        long[] y = s.w.get(s.layer.output());
        assertArrayEquals(reference.apply(realInputs(s)), ly.unpad(y), map.toString());
        assertArrayEquals(ly.pad(ly.unpad(y), 0), y, "output padding must be zero");
        List<Claim> claims = LayerHarness.proveAndVerify(s.layer, s.w, seed + 1000);
        assertEquals(inDims.length, claims.size());
        return s;
    }

    static Function<long[][], long[]> im2colRef(int B, int C, int H, int W, int KH, int KW, int sH, int sW, int pT, int pL, int OH, int OW) {
        return xs -> {
            long[] x = xs[0];
            long[] out = new long[B * OH * OW * C * KH * KW];
            int i = 0;
            for (int b = 0; b < B; b++) {
                for (int oh = 0; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        for (int c = 0; c < C; c++) {
                            for (int kh = 0; kh < KH; kh++) {
                                for (int kw = 0; kw < KW; kw++) {
                                    int ih = oh * sH + kh - pT, iw = ow * sW + kw - pL;
                                    out[i++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((b * C + c) * H + ih) * W + iw] : 0;
                                }
                            }
                        }
                    }
                }
            }
            return out;
        };
    }

    @Test
    void im2col() throws InvalidProofException {
        // 2 images, 3 channels, 7x6, 3x3 kernel, stride 2, padding 1 -> 4x3
        check(new int[][] {{2, 3, 7, 6}}, new int[] {2, 4, 3, 27}, new IndexMap.Im2col(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3),
                im2colRef(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3), 1);
        // stride 1, no padding, non-square kernel
        check(new int[][] {{1, 2, 5, 5}}, new int[] {1, 4, 3, 12}, new IndexMap.Im2col(1, 2, 5, 5, 2, 3, 1, 1, 0, 0, 4, 3),
                im2colRef(1, 2, 5, 5, 2, 3, 1, 1, 0, 0, 4, 3), 2);
    }

    @Test
    void windows() throws InvalidProofException {
        int B = 2, C = 3, H = 5, W = 6, K = 2, S = 2, OH = 3, OW = 3;
        for (int kh = 0; kh < K; kh++) {
            for (int kw = 0; kw < K; kw++) {
                int fkh = kh, fkw = kw;
                check(new int[][] {{B, C, H, W}}, new int[] {B, C, OH, OW}, new IndexMap.Window(B, C, H, W, K, K, S, S, 0, 0, OH, OW, kh, kw),
                        xs -> {
                            long[] out = new long[B * C * OH * OW];
                            int i = 0;
                            for (int b = 0; b < B; b++) {
                                for (int c = 0; c < C; c++) {
                                    for (int oh = 0; oh < OH; oh++) {
                                        for (int ow = 0; ow < OW; ow++) {
                                            int ih = oh * S + fkh, iw = ow * S + fkw;
                                            out[i++] = ih < H && iw < W ? xs[0][((b * C + c) * H + ih) * W + iw] : 0;
                                        }
                                    }
                                }
                            }
                            return out;
                        }, 10 + kh * 2 + kw);
            }
        }
        // padded window (3x3, stride 1, padding 1)
        check(new int[][] {{1, 1, 3, 3}}, new int[] {1, 1, 3, 3}, new IndexMap.Window(1, 1, 3, 3, 3, 3, 1, 1, 1, 1, 3, 3, 0, 2),
                xs -> {
                    long[] out = new long[9];
                    for (int oh = 0; oh < 3; oh++) {
                        for (int ow = 0; ow < 3; ow++) {
                            int ih = oh - 1, iw = ow + 1;
                            out[oh * 3 + ow] = ih >= 0 && iw < 3 ? xs[0][ih * 3 + iw] : 0;
                        }
                    }
                    return out;
                }, 20);
    }

    @Test
    void reshapeTransposeSlice() throws InvalidProofException {
        check(new int[][] {{2, 3, 5}}, new int[] {6, 5}, new IndexMap.Reshape(), xs -> xs[0], 30);
        check(new int[][] {{2, 3, 5}}, new int[] {30}, new IndexMap.Reshape(), xs -> xs[0], 31);
        // transpose (2,3,5) by [2,0,1] -> (5,2,3)
        check(new int[][] {{2, 3, 5}}, new int[] {5, 2, 3}, new IndexMap.Transpose(new int[] {2, 0, 1}), xs -> {
            long[] out = new long[30];
            int i = 0;
            for (int a = 0; a < 5; a++) {
                for (int b = 0; b < 2; b++) {
                    for (int c = 0; c < 3; c++) {
                        out[i++] = xs[0][(b * 3 + c) * 5 + a];
                    }
                }
            }
            return out;
        }, 32);
        // slice x[1:7:2, ::-1] of (7, 3) -> (3, 3)
        check(new int[][] {{7, 3}}, new int[] {3, 3}, new IndexMap.Slice(new int[] {1, 2}, new int[] {2, -1}), xs -> {
            long[] out = new long[9];
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    out[a * 3 + b] = xs[0][(1 + 2 * a) * 3 + (2 - b)];
                }
            }
            return out;
        }, 33);
    }

    @Test
    void padConcatGather() throws InvalidProofException {
        // pad (2,3) by before (1,2) into (4,6)
        check(new int[][] {{2, 3}}, new int[] {4, 6}, new IndexMap.Pad(new int[] {1, 2}), xs -> {
            long[] out = new long[24];
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 3; b++) {
                    out[(a + 1) * 6 + b + 2] = xs[0][a * 3 + b];
                }
            }
            return out;
        }, 40);
        // concat of 3 inputs along axis 1: (2,1,3) (2,3,3) (2,2,3) -> (2,6,3)
        check(new int[][] {{2, 1, 3}, {2, 3, 3}, {2, 2, 3}}, new int[] {2, 6, 3}, new IndexMap.Concat(1), xs -> {
            long[] out = new long[36];
            int i = 0;
            int[] sizes = {1, 3, 2};
            for (int a = 0; a < 2; a++) {
                for (int k = 0; k < 3; k++) {
                    for (int j = 0; j < sizes[k] * 3; j++) {
                        out[i++] = xs[k][a * sizes[k] * 3 + j];
                    }
                }
            }
            return out;
        }, 41);
        // gather along axis 0 with repeats: (5,3) -> (4,3)
        int[] idx = {4, 0, 4, 2};
        check(new int[][] {{5, 3}}, new int[] {4, 3}, new IndexMap.Gather(0, idx), xs -> {
            long[] out = new long[12];
            for (int a = 0; a < 4; a++) {
                for (int b = 0; b < 3; b++) {
                    out[a * 3 + b] = xs[0][idx[a] * 3 + b];
                }
            }
            return out;
        }, 42);
        // concat where the same tensor appears twice is also fine
        Setup s = setup(new int[][] {{3}, {3}}, new int[] {6}, new IndexMap.Concat(0), 43);
        LayerHarness.proveAndVerify(s.layer, s.w, 44);
    }

    @Test
    void wrongOutputIsCaught() {
        Setup[] setups = {
            setup(new int[][] {{1, 2, 5, 5}}, new int[] {1, 3, 3, 18}, new IndexMap.Im2col(1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 3, 3), 50),
            setup(new int[][] {{2, 3, 5}}, new int[] {5, 2, 3}, new IndexMap.Transpose(new int[] {2, 0, 1}), 51),
            setup(new int[][] {{2, 1, 3}, {2, 3, 3}, {2, 2, 3}}, new int[] {2, 6, 3}, new IndexMap.Concat(1), 52),
        };
        for (Setup s : setups) {
            TensorLayout ly = s.circuit.tensor(s.layer.output()).layout();
            for (long target : new long[] {1, ly.size() - 1}) {
                long[] y = s.w.get(s.layer.output()).clone();
                int pi = ly.paddedIndex(target);
                y[pi] = Goldilocks.add(y[pi], 1);
                check(s, y, "real entry " + target);
            }
            if (ly.paddedSize() > ly.size()) {
                long[] y = s.w.get(s.layer.output()).clone();
                long[] ind = dev.zkinfer.circuit.Validity.indicator(ly);
                for (int i = 0; i < y.length; i++) {
                    if (ind[i] == 0) {
                        y[i] = 3;
                        break;
                    }
                }
                check(s, y, "padding entry");
            }
        }
    }

    /** Replace the output with y, prove honestly on the bad witness, expect rejection or a false claim on the inputs. */
    private static void check(Setup s, long[] y, String what) {
        WitnessValues bad = new WitnessValues(s.circuit);
        for (int t : s.layer.inputs()) {
            bad.put(t, s.w.get(t));
        }
        bad.put(s.layer.output(), y);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, bad, new SplittableRandom(7));
        LayerSoundness.assertRejectedOrFalse(s.layer, oc, bad, LayerSoundness.prove(s.layer, oc, bad), what);
    }

    /**
     * An adaptive cheater for a wrong output: shifts s_0 so the parts add up to the false claim,
     * runs the sumcheck prover on that false sum, and sends the true x̃_k(ρ_k); only the final
     * wiring check can catch it.
     */
    @Test
    void adaptiveCheaterIsRejected() {
        Setup s = setup(new int[][] {{1, 2, 5, 5}}, new int[] {1, 3, 3, 18}, new IndexMap.Im2col(1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 3, 3), 80);
        Claim[] oc = LayerHarness.randomOutputClaims(s.layer, s.w, new SplittableRandom(81));
        Claim lie = new Claim(oc[0].tensor(), oc[0].point(), oc[0].value().add(5));
        int x = s.layer.inputs()[0];
        int n = s.circuit.tensor(x).layout().numVars();
        long[] eqR = dev.zkinfer.poly.Mle.eqTable(lie.point());
        long[] pk = new long[3 << n];
        s.layer.forEachSource(s.circuit, (o, k, j) -> {
            for (int c = 0; c < 3; c++) {
                pk[3 * j + c] = Goldilocks.add(pk[3 * j + c], eqR[3 * o + c]);
            }
        });
        dev.zkinfer.transcript.Transcript t = new dev.zkinfer.transcript.Sha256Transcript("harness");
        ProofWriter out = new ProofWriter();
        t.domain(IndexMapLayer.DOMAIN);
        out.ext(lie.value());
        t.absorbExts("index_map/parts", new long[] {lie.value().c0, lie.value().c1, lie.value().c2}, 0, 1);
        var inst = new dev.zkinfer.prover.sumcheck.SumcheckInstance(n);
        int ix = inst.addBaseTable(s.w.get(x));
        int ip = inst.addTable(pk);
        inst.addTerm(dev.zkinfer.field.Ext3.ONE, ix, ip);
        var res = new dev.zkinfer.prover.sumcheck.SumcheckProver(dev.zkinfer.prover.backend.Backends.scalar()).prove(inst, lie.value(), out, t);
        out.ext(res.tableEvaluations()[ix]);
        assertThrows(InvalidProofException.class, () -> LayerHarness.verify(s.layer, new Claim[] {lie}, s.circuit, out.toByteArray()));
    }

    @Test
    void tamperedProofs() throws InvalidProofException {
        Setup s = setup(new int[][] {{1, 1, 4, 3}}, new int[] {1, 2, 1, 4}, new IndexMap.Im2col(1, 1, 4, 3, 2, 2, 2, 2, 0, 0, 2, 1), 60);
        LayerSoundness.tamperEveryElement(s.layer, s.w, 61);
        Setup s2 = setup(new int[][] {{2, 3}, {1, 3}, {2, 3}}, new int[] {5, 3}, new IndexMap.Concat(0), 62);
        LayerSoundness.tamperEveryElement(s2.layer, s2.w, 63);
    }

    @Test
    void codec() {
        SplittableRandom rnd = new SplittableRandom(70);
        LayerSoundness.assertCodec(setup(new int[][] {{1, 2, 5, 5}}, new int[] {1, 3, 3, 18},
                new IndexMap.Im2col(1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 3, 3), 71).circuit, rnd);
        LayerSoundness.assertCodec(setup(new int[][] {{5, 3}}, new int[] {4, 3}, new IndexMap.Gather(0, new int[] {4, 0, 4, 2}), 72).circuit, rnd);
        IndexMap[] maps = {
            new IndexMap.Im2col(1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 3, 3),
            new IndexMap.Window(2, 3, 5, 6, 2, 2, 2, 2, 0, 0, 3, 3, 1, 0),
            new IndexMap.Reshape(),
            new IndexMap.Transpose(new int[] {2, 0, 1}),
            new IndexMap.Slice(new int[] {1, 2}, new int[] {2, -1}),
            new IndexMap.Pad(new int[] {1, 2}),
            new IndexMap.Concat(1),
            new IndexMap.Gather(0, new int[] {4, 0, 4, 2}),
        };
        for (IndexMap m : maps) {
            ProofWriter pw = new ProofWriter();
            m.encode(pw);
            byte[] enc = pw.toByteArray();
            IndexMap d;
            try {
                ProofReader r = new ProofReader(enc);
                d = IndexMap.decode(r);
                r.finish();
            } catch (MalformedProofException e) {
                throw new AssertionError(e);
            }
            assertEquals(m, d);
            assertEquals(m.hashCode(), d.hashCode());
            for (int i = 0; i < 200; i++) {
                byte[] bad = enc.clone();
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
                try {
                    IndexMap.decode(new ProofReader(java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length + 1))));
                } catch (MalformedProofException e) {
                    // fine
                }
            }
        }
        // a huge gather index count must be rejected before allocation
        ProofWriter pw = new ProofWriter();
        pw.u32(8).u32(0).u32(1 << 28);
        assertThrows(MalformedProofException.class, () -> IndexMap.decode(new ProofReader(pw.toByteArray())));
    }

    @Test
    void inconsistentShapesRejected() {
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 3), TensorRole.INPUT);
        int y = cb.tensor("y", TensorLayout.of(3, 3), TensorRole.COMPUTED);
        IndexMapLayer layer = new IndexMapLayer(new int[] {x}, y, new IndexMap.Reshape());
        // the circuit's validation runs the layer's shape check: such a circuit (or key) never exists
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cb.layer(layer).build(x, y));
        assertTrue(e.getMessage().contains("reshape of [2, 3] into [3, 3]"), e.getMessage());
    }
}
