package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.circuit.Layer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.nn.graph.GptBuilder;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.circuit.CircuitProver;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.security.SecurityProfile;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Claim transfers on inputs that no index map makes (a requantization's output, a matmul's, a
 * product's: IndexMapLayer.claimTransfer with Circuit.zeroPaddingDims) in a small GPT whose every
 * dimension has padding (3 heads, d = 12, 5 tokens): the honest witness satisfies y = x∘π on the
 * whole padded domain of every transfer (a broadcast: where its axis coordinate is real, 0 elsewhere), the proof verifies, and a prover that puts a nonzero value
 * in a committed padding entry that a transfer reads, or changes a real entry it reads (everything
 * after it recomputed), is caught: the verifier rejects, or no lookup witness exists for it.
 */
class ZeroPaddingTransferProofTest {
    @Test
    void transfersOnRelationZeroedPaddingAreExactAndTheirPaddingCannotBeForged() {
        GptBuilder.Config config = new GptBuilder.Config(1, 3, 12, 17, 5);
        QuantizedModel qm = Quantizer.quantize(GptBuilder.build(5, config, 5, true), GptBuilder.randomPrompts(5, 17, 5, 2),
                QuantizationOptions.int16());
        IntTensor x = qm.quantizeInput(GptBuilder.randomPrompts(6, 17, 5, 1).get(0));
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        Circuit c = pk.verifyingKey().circuit();
        ModelProver prover = new ModelProver(pk);
        WitnessValues honest = prover.witness(x);
        CircuitProver cp = new CircuitProver(pk.verifyingKey(), pk.modelCommitment(), pk.modelTable(), Backends.scalar());
        byte[] proof = cp.prove(honest, s -> {});
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), proof).result().isValid());

        Map<String, Integer> byProducer = new TreeMap<>();
        int reachedVerifier = 0, noLookupWitness = 0;
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        for (Layer l : c.layers()) {
            if (!(l instanceof IndexMapLayer im) || im.claimTransfer(c) == null) {
                continue;
            }
            int in = im.inputs()[0];
            int[] vm = im.claimTransfer(c);
            TensorLayout lx = c.tensor(in).layout(), ly = c.tensor(im.output()).layout();
            long[] xv = honest.get(in), yv = honest.get(im.output());
            int pad = -1, real = -1;
            // a broadcast (m copies along an axis) is y = x∘π on the axis coordinates below m and 0 above
            int axis = IndexMapLayer.broadcastMap(im.map(), lx, ly) != null ? ((dev.zkinfer.circuit.IndexMap.Gather) im.map()).axis() : -1;
            for (int o = 0; o < ly.paddedSize(); o++) {
                int pi = pi(vm, o);
                boolean copied = axis < 0 || ((o >>> ly.varOffset(axis)) & ((1 << ly.dimVars(axis)) - 1)) < ly.dim(axis);
                assertEquals(yv[o], copied ? xv[pi] : 0, c.tensor(im.output()).name() + ": y = x∘π at padded index " + o);
                if (!real(lx, pi)) {
                    pad = pad < 0 ? pi : pad; // a padding entry of x that the transfer reads
                } else if (real(ly, o)) {
                    real = real < 0 ? pi : real;
                }
            }
            Layer p = c.producer(in);
            if (p instanceof IndexMapLayer || c.tensor(in).role() == TensorRole.INPUT) {
                continue; // a public input's padding is the verifier's own zeros, not the prover's to choose
            }
            String producer = p != null ? p.kind() : c.tensor(in).role() + " " + maker(c, in);
            if (byProducer.merge(producer, 1, Integer::sum) > 2) {
                continue; // two of each kind
            }
            // a committed (ADVICE) input's padding is the prover's to write: its maker's relation must refuse a nonzero one.
            // A COMPUTED input is its maker's relation of its operands (the prover's copy of its padding is never sent).
            // Either way a changed real entry read by the transfer, with everything after it recomputed, is refused.
            for (int target : c.tensor(in).role() == TensorRole.ADVICE ? new int[] {pad, real} : new int[] {real}) {
                if (target < 0) {
                    continue;
                }
                // the witness from scratch: the public input, the model, every layer up to x's maker (honest),
                // then x changed, then every later layer from it (a prover that commits to the change)
                WitnessValues bad = new WitnessValues(c);
                bad.put(c.inputs()[0], honest.get(c.inputs()[0]));
                pk.compiled().modelValues().forEach(bad::put);
                int makerAt = c.layers().indexOf(p != null ? p : makerLayer(c, in));
                for (int li = 0; li < c.layers().size(); li++) {
                    if (li == makerAt + 1) {
                        long[] v = bad.get(in).clone();
                        v[target] = Goldilocks.add(v[target], 1);
                        bad.put(in, v);
                    }
                    Layer any = c.layers().get(li);
                    dev.zkinfer.prover.circuit.LayerProvers.forLayer(any).computeWitness(any, bad);
                }
                String what = (target == pad ? "a nonzero padding entry" : "a changed real entry") + " of " + c.tensor(in).name()
                        + " (" + producer + ")";
                byte[] forged;
                try {
                    CircuitProver.computeMultiplicities(c, bad);
                    forged = cp.prove(bad, s -> {});
                } catch (IllegalStateException e) {
                    noLookupWitness++; // the entry left the lookups' tables: no proof can be made
                    outcomes.add(what + ": no lookup witness");
                    continue;
                }
                VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), forged).result();
                assertFalse(r.isValid(), what + " was accepted; same bytes as the honest proof: " + java.util.Arrays.equals(forged, proof)
                        + ", output " + java.util.Arrays.equals(bad.get(c.outputs()[0]), honest.get(c.outputs()[0])));
                assertFalse(r.reason().startsWith("malformed proof ("), r.reason());
                reachedVerifier++;
                outcomes.add(what + ": " + r.reason());
            }
        }
        System.out.println("transfers by the kind of their input's maker: " + byProducer + "; forged entries rejected by the verifier "
                + reachedVerifier + ", without a lookup witness " + noLookupWitness);
        outcomes.forEach(o -> System.out.println("  " + o));
        assertTrue(byProducer.keySet().stream().anyMatch(k -> k.startsWith("Linear")), byProducer.toString());
        assertTrue(byProducer.keySet().stream().anyMatch(k -> k.contains("Requant")), byProducer.toString());
        assertTrue(reachedVerifier >= 2, "forged padding that reached the verifier: " + reachedVerifier);
    }

    private static int pi(int[] vm, int o) {
        int pi = 0;
        for (int v = 0; v < vm.length; v++) {
            int bit = vm[v] >= 0 ? (o >>> vm[v]) & 1 : vm[v] == IndexMapLayer.FIXED_1 ? 1 : 0;
            pi |= bit << v;
        }
        return pi;
    }

    private static boolean real(TensorLayout l, int padded) {
        for (int d = 0; d < l.rank(); d++) {
            if (((padded >>> l.varOffset(d)) & ((1 << l.dimVars(d)) - 1)) >= l.dim(d)) {
                return false;
            }
        }
        return true;
    }

    /** The layer kind that defines an ADVICE tensor (as its y). */
    private static String maker(Circuit c, int t) {
        Layer l = makerLayer(c, t);
        return l == null ? "none" : l.kind();
    }

    private static Layer makerLayer(Circuit c, int t) {
        for (Layer l : c.layers()) {
            if (l instanceof dev.zkinfer.circuit.RequantLayer rq && rq.y() == t
                    || l instanceof dev.zkinfer.circuit.TableLayer tl && tl.y() == t
                    || l instanceof dev.zkinfer.circuit.SoftmaxLayer sm && sm.y() == t) {
                return l;
            }
        }
        return null;
    }
}
