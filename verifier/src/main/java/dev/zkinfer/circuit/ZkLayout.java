package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a zero-knowledge proof commits per proof besides the advice tensors (docs/zero-knowledge.md
 * §3.4), and where: a pure function of the circuit, so the verifier and the prover agree on it.
 *
 * <ul>
 *   <li><b>Tensor masks.</b> Every tensor whose evaluations the proof reveals and that is not
 *       public (advice and computed tensors other than the public outputs) gets a mask R_T of
 *       degree δ_T in x_0 ({@link dev.zkinfer.sumcheck.TensorMask}). δ_T follows from the number k
 *       of claims the circuit makes on T (each consumer's input occurrence, each looked-up column
 *       occurrence, each multiplicity claim): δ = 0 for one claim, δ = k when k claims are merged
 *       (the merge reveals 2k + 2 values of R_T). Its 2(δ + 1) coefficients in GF(p^3) occupy one
 *       block: entry ((j·2 + part)·K_T + k) holds component j of coefficient k of part a (w = 0)
 *       or b (w = 1).
 *   <li><b>Sumcheck masks.</b> The masked sumchecks take their masks, in proof order, from a pool
 *       of {@link #poolBlocks} blocks of 2^{@link #poolBits} entries (the last one smaller where first-fit's
 *       bound allows: {@link #poolBlockBits}), densely
 *       ({@link MaskCursor}): a mask of n variables with round degrees d_0..d_{n−1} takes the next
 *       4·S entries of the current block, S = Σ_i (d_i + 1) (the next block when they do not fit),
 *       coefficient number c = Σ_{i'&lt;i}(d_{i'} + 1) + k, c_{i,k}, with its component j at entry
 *       4c + j of its range and entry 4c + 3 unused (uniform, weight zero; {@link #poolEntry}): the
 *       weight of the mask's value is then a product of a factor for the two lowest index bits and
 *       one for the coefficient's index, one product per coefficient for the verifier
 *       ({@link PoolWeights#evaluate}). The pool's size is an upper bound
 *       of what the proof can take, from each sumcheck's variables and degree where the circuit
 *       fixes them (the lookup stage's, the merges', the weights' blinded openings', the requantizations'
 *       one batched sumcheck, {@link RequantZeroChecks#zeroKnowledgeDegrees}) and the layer's
 *       largest tensor and degree {@value #MAX_SUMCHECK_DEGREE} for another layer's own; what a proof
 *       leaves unused is random.
 * </ul>
 * Masks are laid out in the witness polynomial after the advice tensors ({@link CommittedLayout}:
 * block ids from {@link Circuit#tensors()}'s size on). Immutable and thread-safe.
 */
public final class ZkLayout {
    /** Coefficients in GF(p^3): three base-field components, padded to four. */
    static final int COMPONENT_BITS = 2;
    /** The entries one GF(p^3) coefficient of a sumcheck mask takes in the pool: its three components and an unused one. */
    static final int COEFFICIENT_ENTRIES = 1 << COMPONENT_BITS;
    /** The highest degree of a layer's masked sumcheck, as the pool's size assumes it. */
    static final int MAX_SUMCHECK_DEGREE = 15;
    /** The pool's blocks hold at most 2^14 entries (a mask's weight is sparse, so larger blocks gain nothing). */
    static final int MAX_POOL_BITS = 14;

    private final Circuit circuit;
    private final int[] delta;
    private final int[] claimCounts;
    private final int poolBits;
    /** log2 of the pool's last block's size (at most poolBits). */
    private final int tailBits;
    private final int poolBlocks;
    private final long poolBound;
    private final int[] maskBlockOf;
    private final int firstPoolBlock;
    private final CommittedLayout witness;
    private final Map<Integer, Integer> halfBlocks = new HashMap<>();
    private final int[] segmentBlocks = {-1, -1};
    private int segmentVars;
    /** Committed visibility, per {@link CommittedEnd}: the tensors each end's commitment holds (empty when not committed) and its layout. */
    private final int[][] committed = new int[CommittedEnd.values().length][];
    private final CommittedLayout[] commitments = new CommittedLayout[CommittedEnd.values().length];
    /** The witness blocks of the model openings' mask parts S_a (empty: each model opening commits its own mask tree). */
    private int[] modelMaskBlocks = new int[0];

    /**
     * @param witnessMask the mask block the witness commitment's hiding WHIR reserves at the top of
     *     a polynomial of n variables ({@link dev.zkinfer.pcs.PcsParameters#zkMaskSize}): the layout leaves it free
     * @param hiddenProofs T, the proofs the key's weights stay hidden for (sizes the blinded openings' sumchecks)
     */
    public ZkLayout(Circuit circuit, java.util.function.IntToLongFunction witnessMask, int hiddenProofs) {
        this(circuit, witnessMask, hiddenProofs, false, false);
    }

    /**
     * @param committedInputs whether the private inputs are also committed on their own
     *     (docs/zero-knowledge.md §3.5, committed visibility): each gets one more claim (the point z
     *     where the proof ties it to the input commitment), and the input commitment's layout holds
     *     each input and its mask block, hiding mask block reserved as {@code witnessMask} says
     * @param committedOutputs whether the outputs are committed (docs/zero-knowledge.md §3.5): they
     *     are masked like any private tensor (their one output claim is the masked value at the
     *     output point, which the output commitment opens too), and the output commitment's layout
     *     holds each output and its mask block
     */
    public ZkLayout(Circuit circuit, java.util.function.IntToLongFunction witnessMask, int hiddenProofs, boolean committedInputs,
            boolean committedOutputs) {
        this(circuit, witnessMask, hiddenProofs, committedInputs, committedOutputs, null);
    }

    /**
     * @param modelPcs the model commitment's hiding parameters for several openings, or null: when
     *     the parts S_a of its openings' mask polynomial fit in the witness polynomial without
     *     growing it, the witness holds them ({@link #modelMaskBlocks()}, docs/zero-knowledge.md
     *     §3.3 item 3) and each model opening sends their symbols, bound by the witness opening,
     *     instead of committing them in a tree of their own
     */
    public ZkLayout(Circuit circuit, java.util.function.IntToLongFunction witnessMask, int hiddenProofs, boolean committedInputs,
            boolean committedOutputs, dev.zkinfer.pcs.PcsParameters modelPcs) {
        this.circuit = circuit;
        int nt = circuit.tensors().size();
        claimCounts = claimCounts(circuit);
        committed[CommittedEnd.INPUTS.ordinal()] = committedInputs ? privateInputs(circuit) : new int[0];
        committed[CommittedEnd.OUTPUTS.ordinal()] = committedOutputs ? circuit.outputs() : new int[0];
        if (committedInputs && committed(CommittedEnd.INPUTS).length == 0) {
            throw new IllegalArgumentException("committed inputs need private (range-checked) input tensors; the circuit has none");
        }
        // an input's tie to its commitment is one more claim on it; an output's is its output claim, already counted
        for (int t : committed(CommittedEnd.INPUTS)) {
            claimCounts[t]++;
        }
        delta = new int[nt];
        java.util.Set<Integer> outputs = publicOutputs(circuit, committedOutputs);
        maskBlockOf = new int[nt];
        Arrays.fill(maskBlockOf, -1);
        List<Integer> blockIds = new ArrayList<>(circuit.tensorsWithRole(TensorRole.ADVICE));
        Map<Integer, Integer> blockVars = new HashMap<>();
        int next = nt;
        for (int t = 0; t < nt; t++) {
            delta[t] = !masked(circuit.tensor(t), outputs) ? -1 : claimCounts[t] <= 1 ? 0 : claimCounts[t];
        }
        // the pool's bound: each masked sumcheck's 4·n·(d + 1) entries, n counting the extra variable w; the
        // requantizations share one sumcheck (RequantZeroChecks), whose round degrees the circuit and δ fix
        long bound = 0;
        long maxNeed = 1;
        int[] requants = RequantZeroChecks.batched(circuit, true);
        if (requants.length > 0 && RequantZeroChecks.numVars(circuit, requants) > 0) {
            long need = maskEntries(dev.zkinfer.sumcheck.MaskedSumcheck.withWRound(
                    RequantZeroChecks.zeroKnowledgeDegrees(circuit, requants, t -> delta[t])));
            bound += need;
            maxNeed = Math.max(maxNeed, need);
        }
        for (Layer l : circuit.layers()) {
            if (l instanceof RequantLayer) {
                continue;
            }
            int vars = 0;
            for (int op : l.operands()) {
                vars = Math.max(vars, circuit.tensor(op).layout().numVars());
            }
            for (int o : l.outputs()) {
                vars = Math.max(vars, circuit.tensor(o).layout().numVars());
            }
            long need = maskEntries(vars + 1, MAX_SUMCHECK_DEGREE);
            bound += need;
            maxNeed = Math.max(maxNeed, need);
        }
        for (int t = 0; t < nt; t++) {
            if (claimCounts[t] > 1) { // its merge: degree max(2, 1 + (2 + δ)) at most
                long need = maskEntries(circuit.tensor(t).layout().numVars() + 1, 3 + Math.max(0, delta[t]));
                bound += need;
                maxNeed = Math.max(maxNeed, need);
            }
        }
        if (!circuit.tensorsWithRole(TensorRole.MODEL).isEmpty()) { // one blinded opening for all: degree 2 over n + 1 (ZkSteps.modelClaims)
            int n = blindingVars(circuit, hiddenProofs);
            for (int w : circuit.tensorsWithRole(TensorRole.MODEL)) {
                n = Math.max(n, circuit.tensor(w).layout().numVars());
            }
            long need = maskEntries(n + 1, 2);
            bound += need;
            maxNeed = Math.max(maxNeed, need);
        }
        List<ZkLookups.MaskBlock> lookupMasks = ZkLookups.maskBlocks(circuit, t -> delta[t]);
        for (ZkLookups.MaskBlock m : lookupMasks) {
            if (m.kind() == ZkLookups.MaskKind.SUMCHECK) {
                long need = maskEntries(m.roundDegrees());
                bound += need;
                maxNeed = Math.max(maxNeed, need);
            }
        }
        // blocks of at least twice the largest mask, so first-fit fills more than half of every block it leaves
        poolBits = Math.max(TensorLayout.log2Ceil((int) Math.min(1 << 30, 2 * maxNeed)),
                Math.min(MAX_POOL_BITS, TensorLayout.log2Ceil((int) Math.min(1 << 30, Math.max(1, bound)))));
        poolBound = bound;
        // first-fit leaves each full block with more than 2^poolBits − maxNeed entries used, so after
        // F such blocks at most bound − F·(2^poolBits − maxNeed + 1) entries remain: the last block
        // holds just that (and the largest mask), which a full-size block would overshoot
        long perBlock = (1L << poolBits) - maxNeed + 1;
        long full = bound / perBlock;
        poolBlocks = (int) (1 + full);
        tailBits = Math.min(poolBits, TensorLayout.log2Ceil((int) Math.max(bound - full * perBlock, maxNeed)));
        firstPoolBlock = next;
        for (int s = 0; s < poolBlocks; s++) {
            blockIds.add(next);
            blockVars.put(next++, poolBlockBits(s));
        }
        for (int t = 0; t < nt; t++) {
            if (delta[t] >= 0) {
                maskBlockOf[t] = next;
                blockIds.add(next);
                blockVars.put(next++, COMPONENT_BITS + 1 + TensorLayout.log2Ceil(delta[t] + 1));
            }
        }
        // the lookup stage's half masks (δ = 0: two coefficients, laid out as a tensor mask) and mask segments
        for (ZkLookups.MaskBlock m : lookupMasks) {
            if (m.kind() == ZkLookups.MaskKind.HALF) {
                halfBlocks.put(m.layer() * 4 + m.part(), next);
                blockIds.add(next);
                blockVars.put(next++, COMPONENT_BITS + 1);
            } else if (m.kind() == ZkLookups.MaskKind.SEGMENT) {
                segmentBlocks[m.part()] = next;
                segmentVars = m.numVars();
                blockIds.add(next);
                blockVars.put(next++, COMPONENT_BITS + m.numVars());
            }
        }
        java.util.function.IntFunction<TensorLayout> layoutOf = id -> id < nt ? circuit.tensor(id).layout() : TensorLayout.of(1 << blockVars.get(id));
        CommittedLayout w = CommittedLayout.padded(layoutOf, blockIds, witnessMask);
        if (modelPcs != null && modelPcs.zkSeparateMask() && !circuit.tensorsWithRole(TensorRole.MODEL).isEmpty()) {
            // the model openings' mask parts S_a, where the witness has room for them as it is
            List<Integer> withMask = new ArrayList<>(blockIds);
            int[] parts = new int[modelPcs.zkMaskWidth()];
            for (int a = 0; a < parts.length; a++) {
                parts[a] = next;
                withMask.add(next);
                blockVars.put(next++, modelPcs.zkMaskVars());
            }
            CommittedLayout grown = CommittedLayout.padded(layoutOf, withMask, witnessMask);
            if (grown.numVars() == w.numVars()) {
                w = grown;
                modelMaskBlocks = parts;
            }
        }
        witness = w;
        for (CommittedEnd end : CommittedEnd.values()) {
            if (committed[end.ordinal()].length > 0) {
                List<Integer> ids = new ArrayList<>();
                for (int t : committed[end.ordinal()]) {
                    ids.add(t);
                    ids.add(maskBlockOf[t]);
                }
                commitments[end.ordinal()] = CommittedLayout.padded(layoutOf, ids, witnessMask);
            }
        }
    }

    /** The private inputs of a circuit: the tensors its {@link RangeCheckLayer}s check, in layer (= input) order. */
    public static int[] privateInputs(Circuit circuit) {
        return circuit.layers().stream().filter(l -> l instanceof RangeCheckLayer).mapToInt(l -> ((RangeCheckLayer) l).x()).toArray();
    }

    /**
     * The tensors the proof's commitment for {@code end} holds, in input or output order (empty
     * unless that end is committed).
     */
    public int[] committed(CommittedEnd end) {
        return committed[end.ordinal()].clone();
    }

    /**
     * The polynomial of the proof's commitment for {@code end} (committed visibility): each committed
     * tensor's padded values and its mask block (the same R_T as in the witness), as one block each;
     * null unless that end is committed.
     */
    public CommittedLayout commitment(CommittedEnd end) {
        return commitments[end.ordinal()];
    }

    /**
     * A small model's zero-knowledge polynomial may grow to 2^{@value #MIN_MODEL_VARS} entries by
     * default, whatever the weights' size (opening 2^16 entries costs a few milliseconds).
     */
    static final int MIN_MODEL_VARS = 16;

    /** The most proofs a zero-knowledge key's weights are hidden for (docs/zero-knowledge.md §5). */
    public static final int MAX_PROOFS = 1024;

    /** The default T is at least this when the weights' own polynomial has room for its masks. */
    static final int ROOMY_PROOFS = 256;

    /** log2 of the blinding block's size for T proofs: room for T proofs' two evaluations per model tensor. */
    public static int blindingVars(Circuit circuit, int proofs) {
        int m = Math.max(1, circuit.tensorsWithRole(TensorRole.MODEL).size());
        return Math.max(1, 64 - Long.numberOfLeadingZeros(2L * proofs * m - 1));
    }

    /** The block id of the model polynomial's blinding block (after the circuit's tensors). */
    public static int blindingBlock(Circuit circuit) {
        return circuit.tensors().size();
    }

    /**
     * A zero-knowledge key's model commitment: the layout (the weights packed tightly, the blinding
     * block, the hiding mask block left free at the top), its hiding WHIR parameters, and T, the
     * proofs it stays hiding for.
     */
    public record ModelHiding(CommittedLayout layout, dev.zkinfer.pcs.PcsParameters params, int proofs) {}

    /**
     * The default T of a zero-knowledge key for this circuit, a trade between the proofs a key
     * serves and what each proof pays to open the weights (the opening's cost is linear in the
     * model polynomial's size): the largest power of two up to {@link #MAX_PROOFS} that fits in the
     * weights' own polynomial (no growth) if that is at least {@value #ROOMY_PROOFS}; otherwise the
     * largest that fits in twice the weights' polynomial or in 2^{@value #MIN_MODEL_VARS} entries.
     * {@code pcs} gives the integrity-mode parameters for n variables. A user who needs more proofs
     * per key asks for them ({@code compile --zk-proofs}).
     */
    public static int defaultProofs(Circuit circuit, java.util.function.IntFunction<dev.zkinfer.pcs.PcsParameters> pcs) {
        int base = CommittedLayout.tight(circuit, circuit.tensorsWithRole(TensorRole.MODEL)).numVars();
        for (int proofs = MAX_PROOFS; proofs >= ROOMY_PROOFS; proofs /= 2) {
            CommittedLayout layout = hidingLayout(circuit, pcs, proofs);
            if (layout != null && layout.numVars() <= Math.max(base, MIN_MODEL_VARS)) {
                return proofs;
            }
        }
        for (int proofs = ROOMY_PROOFS / 2; proofs > 1; proofs /= 2) {
            CommittedLayout layout = hidingLayout(circuit, pcs, proofs);
            if (layout != null && layout.numVars() <= Math.max(base + 1, MIN_MODEL_VARS)) {
                return proofs;
            }
        }
        return 1;
    }

    /**
     * The model commitment of a zero-knowledge key for this circuit whose weights stay hidden for
     * {@code proofs} proofs (T): the smallest polynomial with room for T proofs' blinding block and
     * hiding mask block.
     *
     * @throws IllegalArgumentException if T is not positive, or no polynomial the commitment scheme
     *     allows has room for T proofs (the message gives the largest T that fits)
     */
    public static ModelHiding modelHiding(Circuit circuit, java.util.function.IntFunction<dev.zkinfer.pcs.PcsParameters> pcs, int proofs) {
        if (proofs < 1) {
            throw new IllegalArgumentException("a zero-knowledge key hides its weights for at least one proof, not " + proofs);
        }
        CommittedLayout layout = hidingLayout(circuit, pcs, proofs);
        if (layout == null) {
            int most = 0;
            for (int lo = 1, hi = proofs - 1; lo <= hi;) {
                int mid = (lo + hi) >>> 1;
                if (hidingLayout(circuit, pcs, mid) != null) {
                    most = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            throw new IllegalArgumentException("the weights cannot stay hidden for " + proofs + " proofs: the model commitment would exceed the"
                    + " largest polynomial the commitment scheme holds; at most " + most + " proofs fit");
        }
        return new ModelHiding(layout, pcs.apply(layout.numVars()).withZeroKnowledge(proofs), proofs);
    }

    /** The model polynomial's layout for T proofs, or null if none the commitment scheme allows has room. */
    private static CommittedLayout hidingLayout(Circuit circuit, java.util.function.IntFunction<dev.zkinfer.pcs.PcsParameters> pcs, int proofs) {
        List<Integer> ids = new ArrayList<>(circuit.tensorsWithRole(TensorRole.MODEL));
        int bl = blindingBlock(circuit);
        ids.add(bl);
        int b = blindingVars(circuit, proofs);
        try {
            return CommittedLayout.tight(id -> id == bl ? TensorLayout.of(1 << b) : circuit.tensor(id).layout(), ids, n -> {
                dev.zkinfer.pcs.PcsParameters p = pcs.apply(n);
                return p.maxZkOpenings() >= proofs ? p.withZeroKnowledge(proofs).zkMaskSize() : 1L << n;
            });
        } catch (IllegalArgumentException e) {
            return null; // too large
        }
    }

    /** A mask's revealed value as a claim on its block of the witness polynomial. */
    public WitnessForm maskForm(int block, dev.zkinfer.pcs.BlockWeight weight, Ext3 value) {
        return new WitnessForm(List.of(new WitnessForm.Term(witness.blocks(block).get(0).offset(), weight)), value);
    }

    /**
     * A masked claim T̂(p) = v on an advice tensor as one linear claim on the witness:
     * T̃(p) + Z(p)·Σ_w R_T(p_0, w) = v, i.e. eq(p, ·) on T's block plus Z(p)·(2A + B)(p_0) on its mask block.
     */
    public WitnessForm maskedAdvice(Claim c) {
        return maskedAdvice(c, dev.zkinfer.sumcheck.TensorMask.vanishing(c.point()));
    }

    /** The same with Z(p) given (a verifier's, remembered per point: {@link VerifierContext#vanishing}). */
    public WitnessForm maskedAdvice(Claim c, Ext3 vanishing) {
        return maskedAdvice(witness, c, vanishing);
    }

    /**
     * The same masked claim on another polynomial that holds T's block and T's mask block (the
     * commitment of a committed end, {@link #commitment}): equal values of this form on the witness and on
     * the input commitment at a random point bind the two polynomials' T to each other.
     */
    public WitnessForm maskedAdvice(CommittedLayout layout, Claim c) {
        return maskedAdvice(layout, c, dev.zkinfer.sumcheck.TensorMask.vanishing(c.point()));
    }

    /** The same with Z(p) given. */
    public WitnessForm maskedAdvice(CommittedLayout layout, Claim c, Ext3 z) {
        CommittedLayout.Block b = layout.blocks(c.tensor()).get(0);
        return new WitnessForm(List.of(
                new WitnessForm.Term(b.offset(), new WitnessForm.EqWeight(layout.freePoint(b, c.point()), Ext3.ONE)),
                new WitnessForm.Term(layout.blocks(maskBlock(c.tensor())).get(0).offset(),
                        tensorMaskWeights(c.tensor(), c.point()[0], z.mul(2), z))), c.value());
    }

    /** Claims grouped by tensor, tensors in the order of their first claim (the order both sides process them in). */
    public static Map<Integer, List<Claim>> byTensor(List<Claim> claims) {
        Map<Integer, List<Claim>> out = new java.util.LinkedHashMap<>();
        for (Claim c : claims) {
            out.computeIfAbsent(c.tensor(), k -> new ArrayList<>()).add(c);
        }
        return out;
    }

    /** The witness block of the lookup stage's half mask (layer, half): two GF(p^3) coefficients a, b laid out as a tensor mask of δ = 0. */
    public int halfBlock(int layer, int half) {
        Integer b = halfBlocks.get(layer * 4 + half);
        if (b == null) {
            throw new IllegalStateException("the key reserves no lookup half mask for layer " + layer + ", half " + half);
        }
        return b;
    }

    /** The witness block of the lookup stage's mask segment {@code side}: the GF(p^3) block [p; q], component-major. */
    public int segmentBlock(int side) {
        if (side < 0 || side > 1 || segmentBlocks[side] < 0) {
            throw new IllegalStateException("the key reserves no lookup mask segment " + side);
        }
        return segmentBlocks[side];
    }

    /** The weights of a half mask's R(x0, w) = a + w·b on its block. */
    public SlotWeights halfMaskWeights(Ext3 x0, Ext3 w) {
        return new SlotWeights(1, 0, new Ext3[] {x0, x0}, new Ext3[] {Ext3.ONE, w}, 0);
    }

    /** The weights of a mask segment's multilinear value at {@code point} on its component-major block. */
    public dev.zkinfer.pcs.BlockWeight segmentWeights(Ext3[] point) {
        if (point.length != segmentVars) {
            throw new IllegalStateException("a mask segment point of " + point.length + " coordinates, the key's segments have " + segmentVars);
        }
        return new ComponentEq(point);
    }

    /** u^j·eq(point, e) on entry (j·2^n + e), j &lt; 3: an extension-valued block's evaluation from its three components. */
    static final class ComponentEq implements dev.zkinfer.pcs.BlockWeight {
        static final long TAG = 0x5A4B_4345; // "ZKCE"
        private final Ext3[] point;

        ComponentEq(Ext3[] point) {
            this.point = point.clone();
        }

        @Override
        public int numVars() {
            return point.length + COMPONENT_BITS;
        }

        @Override
        public Ext3 evaluate(Ext3[] z) {
            Ext3 e = dev.zkinfer.poly.Mle.eq(point, Arrays.copyOf(z, point.length));
            Ext3[] top = Arrays.copyOfRange(z, point.length, z.length);
            Ext3 comp = Ext3.ZERO;
            for (int j = 0; j < 3; j++) {
                comp = comp.add(dev.zkinfer.poly.Mle.eqAtIndex(top, j).mul(SlotWeights.component(j)));
            }
            return e.mul(comp);
        }

        @Override
        public long[] table() {
            int size = 1 << point.length;
            long[] out = new long[3 << numVars()];
            for (int j = 0; j < 3; j++) {
                long[] part = dev.zkinfer.poly.Mle.eqTableInto(point, SlotWeights.component(j), new long[3 * size]);
                System.arraycopy(part, 0, out, 3 * j * size, 3 * size);
            }
            return out;
        }

        @Override
        public long[] encode() {
            long[] out = new long[1 + 3 * point.length];
            out[0] = TAG;
            for (int i = 0; i < point.length; i++) {
                out[1 + 3 * i] = point[i].c0;
                out[2 + 3 * i] = point[i].c1;
                out[3 + 3 * i] = point[i].c2;
            }
            return out;
        }
    }

    /** The number of claims the circuit makes on each tensor (consumers, lookups, multiplicities). */
    static int[] claimCounts(Circuit circuit) {
        int[] counts = new int[circuit.tensors().size()];
        for (Layer l : circuit.layers()) {
            int[] outs = l.outputs();
            for (int op : l.operands()) {
                boolean isOutput = false;
                for (int o : outs) {
                    isOutput |= o == op;
                }
                if (!isOutput) {
                    counts[op]++;
                }
            }
        }
        for (LookupSpec spec : ProofProtocol.lookupSpecs(circuit)) {
            for (int c : spec.columns()) {
                counts[c]++;
            }
        }
        for (int m : ProofProtocol.multiplicityTensors(circuit)) {
            counts[m]++;
        }
        for (int o : circuit.outputs()) {
            counts[o]++;
        }
        return counts;
    }

    /** The witness polynomial's layout: advice tensors, then the sumcheck slots and tensor masks. */
    /**
     * The witness blocks holding the parts S_a of the model opening's mask polynomial, one per part
     * (the monomial coefficients of a polynomial of n_model − k_0 variables), or none when each model opening commits
     * its mask polynomial in a tree of its own (docs/zero-knowledge.md §3.3 item 3).
     */
    public int[] modelMaskBlocks() {
        return modelMaskBlocks.clone();
    }

    /** The mask values a model opening revealed ({@link dev.zkinfer.pcs.WhirProtocol.MaskSymbols}) as claims on the witness blocks of the parts. */
    public List<WitnessForm> modelMaskForms(dev.zkinfer.pcs.WhirProtocol.MaskSymbols symbols) {
        if (symbols.values().length != modelMaskBlocks.length) {
            throw new IllegalStateException("the model opening's mask has " + symbols.values().length + " parts, the key's witness holds "
                    + modelMaskBlocks.length);
        }
        List<WitnessForm> out = new ArrayList<>();
        for (int a = 0; a < modelMaskBlocks.length; a++) {
            out.add(maskForm(modelMaskBlocks[a], symbols.weight(), symbols.values()[a]));
        }
        return out;
    }

    public CommittedLayout witness() {
        return witness;
    }

    /** δ_T, or −1 when T's claims are not masked. */
    public int delta(int tensor) {
        return delta[tensor];
    }

    /** The claims the circuit makes on T (an upper bound the verifier holds each proof to). */
    public int claimCount(int tensor) {
        return claimCounts[tensor];
    }

    /** 4·n·(d + 1): the pool entries of a sumcheck mask of n variables and degree d in every round (a bound). */
    static long maskEntries(int n, int d) {
        return (long) COEFFICIENT_ENTRIES * n * (d + 1);
    }

    /** 4·Σ_i (d_i + 1): the pool entries of a sumcheck mask with round degrees d_i (four per coefficient, {@link #poolEntry}). */
    static long maskEntries(int[] degrees) {
        long s = 0;
        for (int d : degrees) {
            s += d + 1;
        }
        return COEFFICIENT_ENTRIES * s;
    }

    /** The number of blocks of the sumcheck mask pool. */
    public int poolBlocks() {
        return poolBlocks;
    }

    /** log2 of the size of each of the pool's blocks but the last, which may be smaller ({@link #poolBlockBits}). */
    public int poolBits() {
        return poolBits;
    }

    /** log2 of the size of the pool's block i. */
    public int poolBlockBits(int i) {
        poolBlock(i);
        return i == poolBlocks - 1 ? tailBits : poolBits;
    }

    /** The entries the pool's size allows for: an upper bound of what a proof's sumcheck masks take. */
    public long poolBound() {
        return poolBound;
    }

    /** The witness block id of the pool's block i. */
    public int poolBlock(int i) {
        if (i < 0 || i >= poolBlocks) {
            throw new IllegalStateException("the proof's sumcheck masks need more than the key's " + poolBlocks + " mask pool blocks");
        }
        return firstPoolBlock + i;
    }

    /**
     * Where one sumcheck mask lies: entries [offset, offset + 4·Σ_i (d_i + 1)) of pool block
     * {@code block} (a witness block id), for a mask with round degrees {@code degrees}.
     */
    public record MaskPlace(int block, int offset, int[] degrees) {
        public MaskPlace {
            degrees = degrees.clone();
        }

        @Override
        public int[] degrees() {
            return degrees.clone();
        }

        public int numVars() {
            return degrees.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaskPlace m && m.block == block && m.offset == offset && Arrays.equals(m.degrees, degrees);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * block + offset) + Arrays.hashCode(degrees);
        }

        @Override
        public String toString() {
            return "MaskPlace[block=" + block + ", offset=" + offset + ", degrees=" + Arrays.toString(degrees) + "]";
        }
    }

    /**
     * Hands out the pool's ranges in proof order, first-fit: prover and verifier each keep one per
     * proof and ask for every masked sumcheck's mask in the same order, so they agree on every
     * mask's place. Not thread-safe (one proof's thread).
     */
    public final class MaskCursor {
        private int block;
        private int used;
        /** eq tables at the last point a mask's weights were evaluated at, shared by this proof's masks (the last block's apart when smaller). */
        private final PoolEq eqs = new PoolEq(poolBits);
        private final PoolEq tailEqs = new PoolEq(tailBits);

        /** The weights of the mask at {@code place} ({@link #sumcheckWeights}), sharing this proof's eq tables when evaluated. */
        public PoolWeights weights(MaskPlace place, Ext3[] point) {
            return sumcheckWeights(place, point, bitsOf(place) == poolBits ? eqs : tailEqs);
        }

        /** The place of the next mask, with round degrees {@code degrees} (one per variable, each ≥ 1). */
        public MaskPlace next(int[] degrees) {
            long need = maskEntries(degrees);
            boolean valid = degrees.length >= 1;
            for (int d : degrees) {
                valid &= d >= 1;
            }
            if (!valid || need > 1L << poolBits) {
                throw new IllegalStateException("a sumcheck mask of round degrees " + Arrays.toString(degrees)
                        + " does not fit the key's mask pool blocks of 2^" + poolBits + " entries");
            }
            if (used + need > 1L << poolBlockBits(block)) {
                block++;
                used = 0;
            }
            if (need > 1L << poolBlockBits(block)) {
                throw new IllegalStateException("the proof's sumcheck masks need more than the key's mask pool holds");
            }
            MaskPlace place = new MaskPlace(poolBlock(block), used, degrees);
            used += (int) need;
            return place;
        }
    }

    /** A cursor at the pool's start, for one proof. */
    public MaskCursor cursor() {
        return new MaskCursor();
    }

    /**
     * The weights of a sumcheck mask's value g(p) = Σ_{i,k} c_{i,k}·p_i^k on its pool block:
     * u^j·p_i^k at entry {@link #poolEntry}(place, Σ_{i'&lt;i}(d_{i'} + 1) + k, j) = offset + 4·(Σ_{i'&lt;i}(d_{i'} + 1) + k) + j
     * for j &lt; 3, i &lt; n, k ≤ d_i, zero elsewhere (u the extension's generator t, j the component).
     */
    public PoolWeights sumcheckWeights(MaskPlace place, Ext3[] point) {
        return sumcheckWeights(place, point, new PoolEq(bitsOf(place)));
    }

    /** log2 of the size of the pool block a mask lies in. */
    private int bitsOf(MaskPlace place) {
        return poolBlockBits(place.block() - firstPoolBlock);
    }

    private PoolWeights sumcheckWeights(MaskPlace place, Ext3[] point, PoolEq eqs) {
        if (point.length != place.numVars()) {
            throw new IllegalStateException("a sumcheck mask point of " + point.length + " coordinates for a mask of " + place.numVars() + " variables");
        }
        return new PoolWeights(bitsOf(place), place.offset(), point, place.degrees(), eqs);
    }

    /**
     * The pool entry of component j (&lt; 3) of coefficient number c of the sumcheck mask at
     * {@code place}, c = Σ_{i'&lt;i}(d_{i'} + 1) + k for c_{i,k}: offset + 4c + j. The prover
     * reads the mask's coefficients from there; the verifier's weights are u^j·p_i^k there.
     */
    public static int poolEntry(MaskPlace place, int coefficient, int component) {
        if (component < 0 || component >= 3 || coefficient < 0 || (long) coefficient * COEFFICIENT_ENTRIES >= maskEntries(place.degrees)) {
            throw new IllegalArgumentException("component " + component + " of coefficient " + coefficient + " of a mask of round degrees "
                    + Arrays.toString(place.degrees));
        }
        return place.offset() + coefficient * COEFFICIENT_ENTRIES + component;
    }

    /**
     * eq(z, ·) over a pool block of 2^bits entries in the shape the sumcheck masks' weights need,
     * kept for the last z: every mask of a proof is evaluated at the same point of the witness
     * opening, so one set of tables serves them all. Entry 4c + j has eq(z, 4c + j) = eq(z_0z_1, j)
     * · lo[c mod 2^low] · hi[c / 2^low], the two half tables over z's coordinates from 2 on, and
     * {@link #components} = Σ_{j&lt;3} u^j·eq(z_0z_1, j) sums a coefficient's three components. Not
     * thread-safe (one proof's thread).
     */
    static final class PoolEq {
        private final int bits;
        private final int low;
        private Ext3[] z;
        /** The low half table, array-form (Horner's rule reads it without an Ext3 per entry). */
        private long[] lo;
        private Ext3[] hi;
        private Ext3 components;

        PoolEq(int bits) {
            if (bits < COMPONENT_BITS) {
                throw new IllegalArgumentException("a pool block of 2^" + bits + " entries holds no mask coefficient");
            }
            this.bits = bits;
            this.low = (bits - COMPONENT_BITS) / 2;
        }

        /** The opening point the tables were last made at (null after {@link #at(Ext3[])} made them at another point). */
        private dev.zkinfer.pcs.OpeningPoint opening;

        void at(Ext3[] point) {
            if (point.length != bits) {
                throw new IllegalArgumentException("point of " + point.length + " coordinates for a block of " + bits + " variables");
            }
            if (!Arrays.equals(point, z)) {
                components = SlotWeights.componentSum(dev.zkinfer.poly.Mle.eqTable(Arrays.copyOf(point, COMPONENT_BITS)));
                lo = dev.zkinfer.poly.Mle.eqTable(Arrays.copyOfRange(point, COMPONENT_BITS, COMPONENT_BITS + low));
                hi = table(Arrays.copyOfRange(point, COMPONENT_BITS + low, bits));
                z = point.clone();
                opening = null;
            }
        }

        /** The same at an opening point's first coordinates: the masks of one opening find the tables made by the first without comparing points. */
        void at(dev.zkinfer.pcs.OpeningPoint point) {
            if (point != opening) {
                at(point.prefix(bits));
                opening = point;
            }
        }

        private static Ext3[] table(Ext3[] r) {
            long[] t = dev.zkinfer.poly.Mle.eqTableInto(r, Ext3.ONE, new long[3 << r.length]);
            Ext3[] out = new Ext3[1 << r.length];
            for (int e = 0; e < out.length; e++) {
                out[e] = Ext3.get(t, e);
            }
            return out;
        }
    }

    /**
     * A sumcheck mask's weights on its pool block ({@link #sumcheckWeights}): zero outside the mask's
     * range and on each coefficient's unused fourth entry, so the prover adds it sparsely and the
     * verifier evaluates its multilinear extension with one product per coefficient, Σ_i (d_i + 1),
     * from eq tables ({@link PoolEq}) that the masks of one proof share. Its evaluation updates
     * those tables, so one proof's weights are evaluated on one thread.
     */
    public static final class PoolWeights implements dev.zkinfer.pcs.SparseBlockWeight {
        static final long TAG = 0x5A4B_504C; // "ZKPL"
        private final int bits;
        private final int offset;
        private final Ext3[] p;
        private final int[] degrees;
        private final PoolEq eqs;

        PoolWeights(int bits, int offset, Ext3[] p, int[] degrees, PoolEq eqs) {
            if (offset % COEFFICIENT_ENTRIES != 0) {
                throw new IllegalStateException("a sumcheck mask at entry " + offset + ", not a multiple of " + COEFFICIENT_ENTRIES);
            }
            this.bits = bits;
            this.offset = offset;
            this.p = p.clone();
            this.degrees = degrees.clone();
            this.eqs = eqs;
        }

        private int length() {
            return (int) maskEntries(degrees);
        }

        /** The weights of the range, in order: entry 4c + j holds u^j·p_i^k for coefficient c = Σ_{i'&lt;i}(d_{i'} + 1) + k, entry 4c + 3 zero. */
        private Ext3[] range() {
            Ext3[] w = new Ext3[length()];
            Arrays.fill(w, Ext3.ZERO);
            for (int i = 0, c = 0; i < p.length; i++) {
                Ext3 pk = Ext3.ONE;
                for (int k = 0; k <= degrees[i]; k++, c++) {
                    for (int j = 0; j < 3; j++) {
                        w[c * COEFFICIENT_ENTRIES + j] = SlotWeights.component(j).mul(pk);
                    }
                    pk = pk.mul(p[i]);
                }
            }
            return w;
        }

        @Override
        public int numVars() {
            return bits;
        }

        @Override
        public Ext3 evaluate(Ext3[] z) {
            eqs.at(z);
            return evaluateAtTables();
        }

        @Override
        public Ext3 evaluate(dev.zkinfer.pcs.OpeningPoint z) {
            if (z.numVars() < bits) {
                throw new IllegalArgumentException("point of " + z.numVars() + " coordinates for a block of " + bits + " variables");
            }
            eqs.at(z);
            return evaluateAtTables();
        }

        /**
         * Σ_{c,j} u^j·p_i^k·eq(z, offset + 4c + j) = components·Σ_c p_i^k·lo[c' mod 2^low]·hi[c' / 2^low],
         * c' = offset/4 + c: each round's Σ_k p_i^k·lo[c'] by Horner's rule (one product per
         * coefficient), summed per high index, then one product with hi each; a round that crosses
         * a high index is split there, each later part scaled by its power of p_i.
         */
        private Ext3 evaluateAtTables() {
            int low = eqs.low;
            int at = offset / COEFFICIENT_ENTRIES;
            int hi = at >>> low;
            Ext3 sum = Ext3.ZERO;
            Ext3 run = Ext3.ZERO;
            for (int i = 0; i < p.length; i++) {
                int end = at + degrees[i] + 1;
                for (int from = at; from < end;) {
                    int boundary = (hi + 1) << low;
                    int to = Math.min(end, boundary);
                    Ext3 part = horner(p[i], from, to);
                    run = run.add(from == at ? part : part.mul(p[i].pow(from - at)));
                    if (to == boundary) {
                        sum = sum.add(run.mul(eqs.hi[hi]));
                        hi++;
                        run = Ext3.ZERO;
                    }
                    from = to;
                }
                at = end;
            }
            return eqs.components.mul(hi < eqs.hi.length ? sum.add(run.mul(eqs.hi[hi])) : sum);
        }

        /** Σ_{k &lt; to − from} x^k·lo[(from + k) mod 2^low], by Horner's rule. */
        private Ext3 horner(Ext3 x, int from, int to) {
            return Ext3.horner(eqs.lo, from, to - from, (1 << eqs.low) - 1, x);
        }

        @Override
        public long[] table() {
            long[] out = new long[3 << bits];
            addScaled(out, 0, Ext3.ONE);
            return out;
        }

        @Override
        public void addScaled(long[] w, long blockStart, Ext3 scale) {
            Ext3[] r = range();
            for (int e = 0; e < r.length; e++) {
                if (e % COEFFICIENT_ENTRIES == 3) {
                    continue; // the unused entry: weight zero
                }
                long at = blockStart + offset + e;
                Ext3.set(w, (int) at, Ext3.get(w, (int) at).add(r[e].mul(scale)));
            }
        }

        @Override
        public long supportEnd() {
            return offset + length();
        }

        @Override
        public long[] encode() {
            // TAG, bits, offset, n, the n round degrees, then the point
            int n = p.length;
            long[] out = new long[4 + n + 3 * n];
            out[0] = TAG;
            out[1] = bits;
            out[2] = offset;
            out[3] = n;
            for (int i = 0; i < n; i++) {
                out[4 + i] = degrees[i];
                out[4 + n + 3 * i] = p[i].c0;
                out[5 + n + 3 * i] = p[i].c1;
                out[6 + n + 3 * i] = p[i].c2;
            }
            return out;
        }
    }

    /** The witness block id of tensor T's mask (T masked). */
    public int maskBlock(int tensor) {
        if (maskBlockOf[tensor] < 0) {
            throw new IllegalStateException("tensor " + circuit.tensor(tensor).name() + " has no mask");
        }
        return maskBlockOf[tensor];
    }

    /**
     * Why zero-knowledge mode cannot prove this circuit, one line per problem (empty when it can):
     * tensors it must mask that have one element (Z·R cannot mask them, docs/zero-knowledge.md §8
     * item 3; a larger batch usually gives them a variable), and layers it does not support
     * ({@link Layer#zeroKnowledgeLimit}). Checked when a zero-knowledge key is made.
     */
    public static List<String> unsupported(Circuit circuit) {
        return unsupported(circuit, false);
    }

    /** As {@link #unsupported(Circuit)}, for committed outputs (masked too: a one-element output cannot be) or public ones. */
    public static List<String> unsupported(Circuit circuit, boolean committedOutputs) {
        List<String> out = new ArrayList<>();
        List<String> oneElement = new ArrayList<>();
        java.util.Set<Integer> outputs = publicOutputs(circuit, committedOutputs);
        for (CircuitTensor t : circuit.tensors()) {
            if (masked(t, outputs) && t.layout().numVars() == 0) {
                oneElement.add(t.name());
            }
        }
        if (!oneElement.isEmpty()) {
            out.add("one-element tensors to hide (" + String.join(", ", oneElement) + ")");
        }
        for (Layer l : circuit.layers()) {
            String limit = l.zeroKnowledgeLimit(circuit);
            if (limit != null) {
                out.add(limit);
            }
        }
        return out;
    }

    /** Whether a proof masks T's claims: every tensor but the public inputs and the public outputs. */
    private static boolean masked(CircuitTensor t, java.util.Set<Integer> publicOutputs) {
        return t.role() != TensorRole.INPUT && !publicOutputs.contains(t.id());
    }

    /** The circuit's outputs when they are public; none when they are committed (then masked). */
    private static java.util.Set<Integer> publicOutputs(Circuit circuit, boolean committedOutputs) {
        java.util.Set<Integer> outputs = new java.util.HashSet<>();
        for (int o : committedOutputs ? new int[0] : circuit.outputs()) {
            outputs.add(o);
        }
        return outputs;
    }

    /** The weights of R_T(x0, w) = Σ_k x0^k·(a_k + w·b_k) on T's mask block: part a is "row" 0, part b row 1. */
    public SlotWeights tensorMaskWeights(int tensor, Ext3 x0, Ext3 w) {
        return tensorMaskWeights(tensor, x0, Ext3.ONE, w);
    }

    /** The weights of a·A(x0) + b·B(x0), where R_T(x0, w) = A(x0) + w·B(x0): with (2, 1) scaled by Z(p), T̂(p) − T̃(p). */
    public SlotWeights tensorMaskWeights(int tensor, Ext3 x0, Ext3 a, Ext3 b) {
        int kBits = TensorLayout.log2Ceil(delta[tensor] + 1);
        return new SlotWeights(1, kBits, new Ext3[] {x0, x0}, new Ext3[] {a, b}, delta[tensor]);
    }

    /**
     * Weights u^j·s_i·p_i^k on a mask block's entries ((j·2^iBits + i)·2^kBits + k) for j &lt; 3,
     * i &lt; rows, k ≤ degree, zero elsewhere: the linear form that gives a mask's revealed value
     * from the block, so that the value is one weighted claim on the witness polynomial.
     * Immutable and thread-safe.
     */
    public static final class SlotWeights implements dev.zkinfer.pcs.BlockWeight {
        static final long TAG = 0x5A4B_534C; // "ZKSL"
        private final int iBits;
        private final int kBits;
        private final Ext3[] p;
        private final Ext3[] s;
        private final int degree;

        SlotWeights(int iBits, int kBits, Ext3[] p, Ext3[] s, int degree) {
            this.iBits = iBits;
            this.kBits = kBits;
            this.p = p.clone();
            this.s = s.clone();
            this.degree = degree;
        }

        /** log2 of the block's size. */
        @Override
        public int numVars() {
            return COMPONENT_BITS + iBits + kBits;
        }

        /** The weight of entry e. */
        public Ext3 weight(int e) {
            int k = e & ((1 << kBits) - 1);
            int i = (e >>> kBits) & ((1 << iBits) - 1);
            int j = e >>> (kBits + iBits);
            if (j >= 3 || i >= p.length || k > degree) {
                return Ext3.ZERO;
            }
            return component(j).mul(s[i]).mul(p[i].pow(k));
        }

        @Override
        public long[] table() {
            long[] out = new long[3 << numVars()];
            for (int e = 0; e < 1 << numVars(); e++) {
                Ext3.set(out, e, weight(e));
            }
            return out;
        }

        /**
         * The weights' multilinear extension at z (little-endian: z's first kBits coordinates
         * index k, the next iBits index i, the last two j), in O(rows·(degree + kBits)).
         */
        @Override
        public Ext3 evaluate(Ext3[] z) {
            if (z.length != numVars()) {
                throw new IllegalArgumentException("point of " + z.length + " coordinates for a block of " + numVars() + " variables");
            }
            Ext3[] zk = Arrays.copyOfRange(z, 0, kBits);
            Ext3[] zi = Arrays.copyOfRange(z, kBits, kBits + iBits);
            Ext3[] zj = Arrays.copyOfRange(z, kBits + iBits, z.length);
            Ext3 comp = Ext3.ZERO;
            for (int j = 0; j < 3; j++) {
                comp = comp.add(dev.zkinfer.poly.Mle.eqAtIndex(zj, j).mul(component(j)));
            }
            Ext3[] eqK = new Ext3[degree + 1];
            for (int k = 0; k <= degree; k++) {
                eqK[k] = dev.zkinfer.poly.Mle.eqAtIndex(zk, k);
            }
            Ext3 rows = Ext3.ZERO;
            for (int i = 0; i < p.length; i++) {
                Ext3 inner = Ext3.ZERO;
                Ext3 pk = Ext3.ONE;
                for (int k = 0; k <= degree; k++) {
                    inner = inner.add(eqK[k].mul(pk));
                    pk = pk.mul(p[i]);
                }
                rows = rows.add(dev.zkinfer.poly.Mle.eqAtIndex(zi, i).mul(s[i]).mul(inner));
            }
            return comp.mul(rows);
        }

        /**
         * The same at an opening point's first coordinates, with the eq tables of its small index
         * ranges shared by every mask weight; rows at the same power point (a tensor mask's two
         * parts) share their power sum.
         */
        @Override
        public Ext3 evaluate(dev.zkinfer.pcs.OpeningPoint z) {
            long[] eqK = z.eqTable(0, kBits);
            long[] eqI = z.eqTable(kBits, kBits + iBits);
            Ext3 rows = Ext3.ZERO;
            Ext3 inner = null;
            for (int i = 0; i < p.length; i++) {
                if (i == 0 || !p[i].equals(p[i - 1])) {
                    inner = Ext3.horner(eqK, 0, degree + 1, -1, p[i]); // Σ_k eq(z_k, k)·p_i^k
                }
                rows = rows.add(Ext3.get(eqI, i).mul(s[i]).mul(inner));
            }
            return componentSum(z.eqTable(kBits + iBits, numVars())).mul(rows);
        }

        /** Σ_{j&lt;3} u^j·eq_j from the eq table of the two component coordinates, by shifts (u^3 = 2) instead of products. */
        static Ext3 componentSum(long[] eqJ) {
            // u·(a0, a1, a2) = (2a2, a0, a1), u²·(a0, a1, a2) = (2a1, 2a2, a0)
            long c0 = dev.zkinfer.field.Goldilocks.add(eqJ[0], dev.zkinfer.field.Goldilocks.add(
                    dev.zkinfer.field.Goldilocks.add(eqJ[5], eqJ[5]), dev.zkinfer.field.Goldilocks.add(eqJ[7], eqJ[7])));
            long c1 = dev.zkinfer.field.Goldilocks.add(eqJ[1], dev.zkinfer.field.Goldilocks.add(eqJ[3],
                    dev.zkinfer.field.Goldilocks.add(eqJ[8], eqJ[8])));
            long c2 = dev.zkinfer.field.Goldilocks.add(eqJ[2], dev.zkinfer.field.Goldilocks.add(eqJ[4], eqJ[6]));
            return new Ext3(c0, c1, c2);
        }

        @Override
        public long[] encode() {
            long[] out = new long[5 + 6 * p.length];
            out[0] = TAG;
            out[1] = iBits;
            out[2] = kBits;
            out[3] = degree;
            out[4] = p.length;
            for (int i = 0; i < p.length; i++) {
                int o = 5 + 6 * i;
                out[o] = p[i].c0;
                out[o + 1] = p[i].c1;
                out[o + 2] = p[i].c2;
                out[o + 3] = s[i].c0;
                out[o + 4] = s[i].c1;
                out[o + 5] = s[i].c2;
            }
            return out;
        }

        static Ext3 component(int j) {
            return j == 0 ? Ext3.ONE : j == 1 ? new Ext3(0, 1, 0) : new Ext3(0, 0, 1);
        }
    }
}
