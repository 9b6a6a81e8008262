package dev.zkinfer.pcs;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.merkle.MerkleVerifier;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.transcript.Transcript;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The WHIR verifier (ePrint 2024/1586, Construction 5.1) for a batched opening of several
 * evaluation claims f̃(z_j) = v_j on one committed multilinear polynomial, in the regime of
 * its {@link PcsParameters} (Johnson bound with out-of-domain samples, or unique decoding).
 *
 * <p>The committed polynomial is the multilinear f̂ whose hypercube values are the committed
 * table (index convention of {@link Mle}); its Reed–Solomon codeword is the univariate
 * f(X) = Σ_b c_b X^b over f̂'s monomial coefficients c, so that f(y) = f̂(y, y^2, y^4, ...).
 * Out-of-domain samples ζ ∈ E (Johnson-bound regime) add the prover's answers f̂(ζ, ζ^2, ...)
 * = u as further claims. The claims become one constraint Σ_b w(b)·f̂(b) = σ with
 * w = Σ_j γ^j eq(z_j, ·) and σ = Σ_j γ^j v_j (WHIR's weighted constraints, §5). Each round runs k_i sumcheck rounds,
 * receives the folded polynomial's commitment (or, last, the polynomial itself), checks a
 * proof-of-work, and opens t_i fold blocks of the current codeword; the folded values become
 * new constraints g(y) = value combined with β (or, last, are compared to the final polynomial).
 * A final sumcheck reduces σ to one evaluation of the final polynomial and of w.
 *
 * <p>Proof layout, in order (little-endian; every count fixed by the parameters): the ood
 * out-of-domain answers of f̂ (extension elements; where the caller places them, right after
 * the commitment's root is absorbed: {@link #readOutOfDomain}); then the opening: per round,
 * k_i × 3 extension elements (h(0), h(1), h(2)), the next root (32 bytes) and the ood answers of
 * g_{i+1}, or the final polynomial's 2^m_R extension coefficients, the u64 PoW nonce (if powBits &gt; 0), then for
 * each distinct queried leaf in increasing order its 2^k_i values (base elements in round 0,
 * extension elements after), then the compressed Merkle siblings ({@link MerkleVerifier});
 * finally m_R × 3 extension elements of the final sumcheck. Transcript order: see
 * {@link WhirProtocol}.
 *
 * <p>Weighted claims ({@link WeightedClaim}: Σ_b w(b)·f̂(b) = v for a weight on an aligned
 * block) join the same combination, between the evaluation claims and the out-of-domain
 * samples; the final check evaluates each weight's extension at α.
 *
 * <p>Hiding mode ({@link PcsParameters#zeroKnowledge()}, docs/zero-knowledge.md §3.3), one
 * opening: each out-of-domain sample carries f̂'s answer then the mask polynomial ĝ's; after γ
 * the proof holds G = Σ_b w(b)·ĝ(b), then ρ is drawn and the rounds run on ρ·f̂ + ĝ (a round-0
 * leaf holds f's 2^k_0 values then ĝ's c symbols S_a(y), from which the block's values of ĝ are
 * computed and combined before folding); every round's opened leaves are followed by their
 * 16-byte salts; claims that weigh the mask block are rejected. Several openings ({@link
 * PcsParameters#zkSeparateMask()}): the commitment's samples carry f̂'s answers only and join the
 * claims on f̂; the opening starts (after the claims) with ĝ's root and, per sample, f̂'s and ĝ's
 * answers; round 0's f leaves, salts and paths are followed by ĝ's c symbols per opened leaf, their
 * salts and their paths in ĝ's tree. Several openings with the mask parts held by another commitment
 * ({@link PcsParameters#zkMaskElsewhere()}, {@link #verifyOpeningMaskElsewhere}): no mask root or
 * samples of the opening's own; round 0's f paths are followed by ĝ's c symbols per opened leaf alone,
 * and the opening returns the claims on the parts that the other commitment must prove.
 *
 * <p>Cost: O(Σ t_i·2^k_i + t_i·log|L_i| hashes + 2^m_R·t_{R-1}) — polylogarithmic in the
 * polynomial's size. Single-threaded and deterministic; only {@link InvalidProofException}
 * leaves {@link #verifyOpening}.
 */
public final class WhirVerifier implements PcsVerifier {
    private final PcsParameters params;

    public WhirVerifier(PcsParameters params) {
        this.params = java.util.Objects.requireNonNull(params);
    }

    public PcsParameters parameters() {
        return params;
    }

    /**
     * The commitment's out-of-domain samples, read right after the caller has absorbed its root
     * and before any other challenge (the prover's {@code WhirProver.outOfDomain}): under
     * {@value WhirProtocol#OOD_DOMAIN}, "whir/params", "whir/root", then per sample challenge ζ
     * ("whir/ood") and the answer f̂(ζ, ζ^2, ...) read from {@code proof} and absorbed
     * ("whir/ood-answer"). Drawn there, the samples bind the commitment to at most one polynomial
     * of its Johnson list before the challenges that depend on it (see {@link PcsParameters}).
     *
     * @return the samples as claims, for {@link #verifyOpening(byte[], int, List, List, ProofReader, Transcript)}
     */
    public List<EvaluationClaim> readOutOfDomain(byte[] root, ProofReader proof, Transcript t) throws InvalidProofException {
        if (root == null || root.length != ROOT_BYTES) {
            throw new InvalidProofException("commitment root must be " + ROOT_BYTES + " bytes");
        }
        try {
            t.domain(WhirProtocol.OOD_DOMAIN);
            t.absorbLongs(WhirProtocol.PARAMS, params.encode());
            t.absorbBytes(WhirProtocol.ROOT, root);
            if (!params.zeroKnowledge() || params.zkSeparateMask()) {
                // several openings: each opening binds its own mask polynomial at its own samples
                return outOfDomain(proof, t, params.numVars(), "initial");
            }
            // hiding mode: per sample ζ, the answers of f̂ and of the mask polynomial ĝ; the list
            // holds f̂'s claims, then ĝ's
            return pairedOutOfDomain(proof, t, params.numVars(), "initial");
        } catch (InvalidProofException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidProofException("PCS out-of-domain samples rejected: internal check failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@link #readOutOfDomain} then the opening: for a commitment whose samples were not drawn when it was received. */
    @Override
    public void verifyOpening(byte[] root, int numVars, List<EvaluationClaim> claims, ProofReader proof,
            Transcript transcript) throws InvalidProofException {
        verifyOpening(root, numVars, readOutOfDomain(root, proof, transcript), claims, proof, transcript);
    }

    /**
     * Verifies the opening of all {@code claims}, with the commitment's out-of-domain samples
     * {@code ood} ({@link #readOutOfDomain}) joining them in WHIR's γ combination.
     */
    public void verifyOpening(byte[] root, int numVars, List<EvaluationClaim> ood, List<EvaluationClaim> claims, ProofReader proof,
            Transcript transcript) throws InvalidProofException {
        verifyOpening(root, numVars, ood, claims, List.of(), proof, transcript);
    }

    /**
     * Verifies the opening of the evaluation claims {@code claims} and the weighted claims
     * {@code weighted} together (at least one claim in all), with the commitment's out-of-domain
     * samples {@code ood}. With no weighted claim, proof and transcript are exactly those of
     * {@link #verifyOpening(byte[], int, List, List, ProofReader, Transcript)}.
     */
    public void verifyOpening(byte[] root, int numVars, List<EvaluationClaim> ood, List<EvaluationClaim> claims,
            List<WeightedClaim> weighted, ProofReader proof, Transcript transcript) throws InvalidProofException {
        if (params.zkMaskElsewhere()) {
            throw new IllegalStateException("an opening whose mask parts another commitment holds leaves claims to it: verifyOpeningMaskElsewhere");
        }
        verifyOpeningMaskElsewhere(root, numVars, ood, claims, weighted, proof, transcript);
    }

    /**
     * {@link #verifyOpening(byte[], int, List, List, List, ProofReader, Transcript)}, for parameters
     * whose openings' mask parts another commitment holds too ({@link PcsParameters#zkMaskElsewhere()}):
     * the opening is accepted only if that commitment's opening also proves the returned claims on the
     * parts (one per part; null for other parameters).
     */
    public WhirProtocol.MaskSymbols verifyOpeningMaskElsewhere(byte[] root, int numVars, List<EvaluationClaim> ood,
            List<EvaluationClaim> claims, List<WeightedClaim> weighted, ProofReader proof, Transcript transcript) throws InvalidProofException {
        try {
            return verify(root, numVars, ood, claims, weighted, proof, transcript);
        } catch (InvalidProofException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth: no arithmetic or indexing surprise may escape as another exception.
            throw new InvalidProofException("PCS opening rejected: internal check failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** One constraint eq(point, ·) of weight coef on the variables [offset, n). */
    private record Constraint(Ext3 coef, Ext3[] point, int offset) {}

    private WhirProtocol.MaskSymbols verify(byte[] root, int numVars, List<EvaluationClaim> initialOod, List<EvaluationClaim> claims,
            List<WeightedClaim> weighted, ProofReader proof, Transcript t) throws InvalidProofException {
        int n = params.numVars();
        if (root == null || root.length != ROOT_BYTES) {
            throw new InvalidProofException("commitment root must be " + ROOT_BYTES + " bytes");
        }
        if (numVars != n) {
            throw new InvalidProofException("polynomial has " + numVars + " variables but the PCS parameters are for " + n);
        }
        if (claims == null || weighted == null || claims.size() + weighted.size() < 1
                || claims.size() + weighted.size() > PcsParameters.MAX_CLAIMS) {
            throw new InvalidProofException("an opening needs between 1 and " + PcsParameters.MAX_CLAIMS + " claims");
        }
        for (WeightedClaim c : weighted) {
            if (c == null || c.weight() == null || c.value() == null || !canonical(c.value())
                    || c.weight().numVars() < 0 || c.weight().numVars() > n || c.block() < 0
                    || c.block() >= (1L << (n - c.weight().numVars()))) {
                throw new InvalidProofException("malformed weighted claim (its block must lie in the " + n + "-variable hypercube)");
            }
        }
        for (EvaluationClaim c : claims) {
            if (c == null || c.point() == null || c.point().length != n || c.value() == null || !canonical(c.value())) {
                throw new InvalidProofException("malformed evaluation claim (point must have " + n + " coordinates)");
            }
            for (Ext3 x : c.point()) {
                if (x == null || !canonical(x)) {
                    throw new InvalidProofException("malformed evaluation claim point");
                }
            }
        }

        t.domain(WhirProtocol.DOMAIN);
        t.absorbLongs(WhirProtocol.PARAMS, params.encode());
        t.absorbBytes(WhirProtocol.ROOT, root);
        t.absorbLong(WhirProtocol.CLAIMS, claims.size());
        for (EvaluationClaim c : claims) {
            t.absorbExts(WhirProtocol.POINT, toArray(c.point()), 0, n);
            t.absorbExt(WhirProtocol.VALUE, c.value());
        }
        absorbWeighted(t, weighted);
        boolean zk = params.zeroKnowledge();
        int mu = params.zkMaskSize();
        if (zk) {
            for (EvaluationClaim c : claims) {
                if (!WhirProtocol.avoidsMask(c.point(), mu)) {
                    throw new InvalidProofException("an evaluation claim weighs the hiding mask block (a top coordinate must be 0)");
                }
            }
            for (WeightedClaim c : weighted) {
                if (!WhirProtocol.avoidsMask(c, n, mu)) {
                    throw new InvalidProofException("a weighted claim's block overlaps the hiding mask block");
                }
            }
        }
        boolean separate = zk && params.zkSeparateMask();
        boolean elsewhere = separate && params.zkMaskElsewhere();
        WhirProtocol.MaskSymbols maskClaims = null;
        int oodCount = params.oodSamples() * (zk && !separate ? 2 : 1);
        if (initialOod == null || initialOod.size() != oodCount) {
            throw new InvalidProofException("expected " + oodCount + " out-of-domain answers of the commitment");
        }
        for (EvaluationClaim s : initialOod) {
            if (s == null || s.point() == null || s.point().length != n) {
                throw new InvalidProofException("malformed out-of-domain sample");
            }
        }
        // several openings: this opening's mask polynomial ĝ (its own salted tree) and its samples,
        // answered for f̂ and ĝ; they join as constraints on ρ·f̂ + ĝ
        byte[] maskRoot = null;
        List<EvaluationClaim> hOod = new ArrayList<>();
        if (separate && !elsewhere) {
            maskRoot = proof.bytes("mask polynomial root", ROOT_BYTES);
            t.absorbBytes(WhirProtocol.ZK_MASK_ROOT, maskRoot);
            hOod.addAll(pairedOutOfDomain(proof, t, n, "opening"));
        } else if (zk && !separate) {
            hOod.addAll(initialOod);
        }
        Ext3 gamma = t.challengeExt(WhirProtocol.GAMMA);

        List<Constraint> constraints = new ArrayList<>();
        Ext3 sigma = Ext3.ZERO;
        Ext3 g = Ext3.ONE;
        // γ powers: the evaluation claims, then the weighted claims, then the out-of-domain samples
        List<Ext3> weightedCoefs = new ArrayList<>();
        for (EvaluationClaim c : claims) {
            sigma = sigma.add(g.mul(c.value()));
            constraints.add(new Constraint(g, c.point(), 0));
            g = g.mul(gamma);
        }
        for (WeightedClaim c : weighted) {
            sigma = sigma.add(g.mul(c.value()));
            weightedCoefs.add(g);
            g = g.mul(gamma);
        }
        if (!zk || separate) {
            // f̂'s own samples: constraints on f̂ (inside ρ·σ_f in hiding mode)
            for (EvaluationClaim c : initialOod) {
                sigma = sigma.add(g.mul(c.value()));
                constraints.add(new Constraint(g, c.point(), 0));
                g = g.mul(gamma);
            }
        }
        Ext3 rho = null;
        if (zk) {
            // σ so far is the claims' combination on f̂; the rounds run on ρ·f̂ + ĝ
            Ext3 maskSum = proof.ext("mask polynomial's claimed sum");
            t.absorbExt(WhirProtocol.ZK_MASK_SUM, maskSum);
            rho = t.challengeExt(WhirProtocol.ZK_RHO);
            sigma = rho.mul(sigma).add(maskSum);
        }
        for (int j = 0; zk && !elsewhere && j < params.oodSamples(); j++) {
            EvaluationClaim c = hOod.get(j);
            Ext3 value = rho.mul(c.value()).add(hOod.get(params.oodSamples() + j).value());
            sigma = sigma.add(g.mul(value));
            constraints.add(new Constraint(g, c.point(), 0));
            g = g.mul(gamma);
        }
        int maskWidth = params.zkMaskWidth();
        long[][] phi = zk ? WhirProtocol.maskLowWeights(params.foldVars(0), maskWidth) : null;

        MerkleHash hash = new MerkleHash();
        MessageDigest sha = sha256();
        Ext3[] alphas = new Ext3[n];
        int bound = 0;
        byte[] currentRoot = root;
        int rounds = params.numRounds();
        long[] finalPoly = null;
        for (int i = 0; i < rounds; i++) {
            int k = params.foldVars(i);
            Ext3[] roundAlphas = new Ext3[k];
            for (int j = 0; j < k; j++) {
                Ext3[] res = sumcheckRound(proof, t, sigma, "round " + i + " sumcheck " + j);
                roundAlphas[j] = res[0];
                alphas[bound++] = res[0];
                sigma = res[1];
            }
            boolean last = i == rounds - 1;
            byte[] nextRoot = null;
            int mNext = params.varsBefore(i + 1);
            List<EvaluationClaim> ood = List.of();
            if (!last) {
                nextRoot = proof.bytes("round " + (i + 1) + " root", ROOT_BYTES);
                t.absorbBytes(WhirProtocol.ROOT, nextRoot);
                ood = outOfDomain(proof, t, mNext, "round " + (i + 1));
            } else {
                finalPoly = proof.exts("final polynomial", 1 << mNext);
                t.absorbExts(WhirProtocol.FINAL_POLY, finalPoly, 0, 1 << mNext);
            }
            if (params.powBits() > 0) {
                byte[] seed = t.challengeBytes(WhirProtocol.POW_SEED, WhirProtocol.POW_SEED_BYTES);
                long nonce = proof.u64("round " + i + " proof-of-work nonce");
                if (!WhirProtocol.powValid(sha, seed, nonce, params.powBits())) {
                    throw new InvalidProofException("round " + i + ": proof-of-work nonce does not meet " + params.powBits() + " bits");
                }
                t.absorbLong(WhirProtocol.POW_NONCE, nonce);
            }
            int logLeaves = params.logLeaves(i);
            int[] indices = sortedDistinct(t.challengeIndices(WhirProtocol.QUERIES, params.queries(i), 1 << logLeaves));
            int width = i == 0 ? 1 : 3;
            // hiding mode, round 0: with one opening each leaf holds f's block then the mask's c symbols
            int leafLongs = (1 << k) * width + (zk && i == 0 && !separate ? maskWidth : 0);
            long[] leaves = proof.bases("round " + i + " opened leaves", indices.length * leafLongs);
            byte[] digests = new byte[MerkleHash.DIGEST_BYTES * indices.length];
            if (zk) {
                // the salts follow the round's leaves; each salted leaf is one hash (MerkleHash.hashSaltedLeaf)
                byte[] salts = proof.bytes("round " + i + " leaf salts", MerkleHash.SALT_BYTES * indices.length);
                for (int q = 0; q < indices.length; q++) {
                    hash.hashSaltedLeaf(salts, MerkleHash.SALT_BYTES * q, leaves, q * leafLongs, leafLongs, digests,
                            MerkleHash.DIGEST_BYTES * q);
                }
            } else {
                for (int q = 0; q < indices.length; q++) {
                    hash.hashLeaf(leaves, q * leafLongs, leafLongs, digests, MerkleHash.DIGEST_BYTES * q);
                }
            }
            MerkleVerifier.verify(hash, currentRoot, logLeaves, indices, digests, proof, "round " + i);
            long[] maskSymbols = leaves;
            int maskFrom = 1 << k, maskStride = leafLongs;
            if (elsewhere && i == 0) {
                // the mask parts' symbols at the queried points: absorbed, then one λ-combination per part for the other commitment
                maskSymbols = proof.bases("mask polynomial's symbols", indices.length * maskWidth);
                t.absorbLongs(WhirProtocol.ZK_MASK_SYMBOLS, maskSymbols);
                Ext3 lambda = t.challengeExt(WhirProtocol.ZK_MASK_LAMBDA);
                int[] exps = new int[indices.length];
                Ext3[] values = new Ext3[maskWidth];
                java.util.Arrays.fill(values, Ext3.ZERO);
                Ext3 lq = Ext3.ONE;
                for (int q = 0; q < indices.length; q++) {
                    exps[q] = WhirProtocol.bitReverse(indices[q], logLeaves);
                    for (int a = 0; a < maskWidth; a++) {
                        values[a] = values[a].add(lq.mul(maskSymbols[q * maskWidth + a]));
                    }
                    lq = lq.mul(lambda);
                }
                maskClaims = new WhirProtocol.MaskSymbols(new PointSumWeights(params.zkMaskVars(), params.logDomainSize(0) - k, exps, lambda),
                        values);
                maskFrom = 0;
                maskStride = maskWidth;
            } else if (separate && i == 0) {
                maskSymbols = proof.bases("mask polynomial's opened leaves", indices.length * maskWidth);
                byte[] maskDigests = new byte[MerkleHash.DIGEST_BYTES * indices.length];
                byte[] salts = proof.bytes("mask polynomial's leaf salts", MerkleHash.SALT_BYTES * indices.length);
                for (int q = 0; q < indices.length; q++) {
                    hash.hashSaltedLeaf(salts, MerkleHash.SALT_BYTES * q, maskSymbols, q * maskWidth, maskWidth, maskDigests,
                            MerkleHash.DIGEST_BYTES * q);
                }
                MerkleVerifier.verify(hash, maskRoot, logLeaves, indices, maskDigests, proof, "mask polynomial");
                maskFrom = 0;
                maskStride = maskWidth;
            }

            int logN = params.logDomainSize(i);
            long[][] invTwiddles = inverseTwiddles(k);
            long omegaN = Goldilocks.rootOfUnity(logN);
            long omegaY = Goldilocks.rootOfUnity(logN - k);
            Ext3[] values = new Ext3[indices.length];
            long[] ys = new long[indices.length];
            // hiding mode, round 0: fold(ρ·f + ĝ) = ρ·fold(f) + Σ_a φ̃_a(α)·S_a(y) (WhirProtocol.maskFolds)
            Ext3[] maskFolds = zk && i == 0 ? WhirProtocol.maskFolds(phi, roundAlphas) : null;
            for (int q = 0; q < indices.length; q++) {
                int s = WhirProtocol.bitReverse(indices[q], logLeaves);
                long x = Goldilocks.pow(omegaN, s);
                ys[q] = Goldilocks.pow(omegaY, s);
                if (zk && i == 0) {
                    Ext3 v = rho.mul(foldLeaf(leaves, q * leafLongs, 1, k, x, roundAlphas, invTwiddles));
                    for (int a = 0; a < maskWidth; a++) {
                        v = v.add(maskFolds[a].mul(maskSymbols[q * maskStride + maskFrom + a]));
                    }
                    values[q] = v;
                } else {
                    values[q] = foldLeaf(leaves, q * leafLongs, width, k, x, roundAlphas, invTwiddles);
                }
            }
            // β combines the out-of-domain answers and the query answers into constraints on the next polynomial; in
            // the last round that is the final polynomial, sent in the clear, and the final sumcheck checks its query
            // answers with the rest (proof version 22; before, each was compared with the final polynomial evaluated
            // at its point: 2^m_R products per query, the largest single cost of a zero-knowledge LeNet-5 verification)
            Ext3 beta = t.challengeExt(WhirProtocol.BETA);
            Ext3 b = beta;
            for (EvaluationClaim c : ood) {
                sigma = sigma.add(b.mul(c.value()));
                constraints.add(new Constraint(b, c.point(), n - mNext));
                b = b.mul(beta);
            }
            for (int q = 0; q < indices.length; q++) {
                sigma = sigma.add(b.mul(values[q]));
                constraints.add(new Constraint(b, powers(ys[q], mNext), n - mNext));
                b = b.mul(beta);
            }
            currentRoot = nextRoot;
        }
        int mFinal = params.finalVars();
        for (int j = 0; j < mFinal; j++) {
            Ext3[] res = sumcheckRound(proof, t, sigma, "final sumcheck " + j);
            alphas[bound++] = res[0];
            sigma = res[1];
        }
        // σ must now equal w(α)·ĝ_R(α_final), with ĝ_R evaluated from its monomial coefficients.
        Ext3 gFinal = evalMultilinearCoefficients(finalPoly, Arrays.copyOfRange(alphas, n - mFinal, n));
        Ext3 w = Ext3.ZERO;
        for (Constraint c : constraints) {
            w = w.add(c.coef().mul(Mle.eq(c.point(), Arrays.copyOfRange(alphas, c.offset(), n))));
        }
        // each weighted claim's ŵ(α) = eq(α_top, block)·weight(α_low) (WeightedClaim), the
        // low coordinates and each block's eq shared by all claims and their weights' terms
        OpeningPoint at = new OpeningPoint(alphas);
        for (int j = 0; j < weighted.size(); j++) {
            WeightedClaim c = weighted.get(j);
            Ext3 top = at.eqAbove(c.weight().numVars(), c.block());
            w = w.add(weightedCoefs.get(j).mul(top.mul(c.weight().evaluate(at))));
        }
        if (!sigma.equals(w.mul(gFinal))) {
            throw new InvalidProofException("final check failed: the sumcheck claim does not match the final polynomial");
        }
        return maskClaims;
    }

    /**
     * Absorbs the weighted claims after the evaluation claims (nothing when there are none, so
     * that openings of evaluation claims keep their transcript): "whir/weighted-claims" = their
     * number, then "whir/weight" = every claim's (k, block) and "whir/value" = every claim's value, in
     * claim order (proof version 22; one absorption of each per claim before, 540 transcript hashes
     * for the ~270 claims of a zero-knowledge LeNet-5 witness opening). Shared with the prover.
     *
     * <p>The weights' parameters ({@link BlockWeight#encode()}) are not absorbed: every weight an
     * opening is given is fixed by what the transcript already holds (the verifying key, the
     * public values and earlier challenges), so absorbing it again binds nothing more; the
     * values, which the prover supplies, are absorbed. A caller whose weights come from
     * anywhere else must absorb them itself before the opening. (Until proof format 8 the
     * parameters were absorbed: a zero-knowledge LeNet-5 proof's ~270 weighted claims made it 5 %
     * of the verification.)
     */
    public static void absorbWeighted(Transcript t, List<WeightedClaim> weighted) {
        if (weighted.isEmpty()) {
            return;
        }
        t.absorbLong(WhirProtocol.WEIGHTED_CLAIMS, weighted.size());
        long[] heads = new long[2 * weighted.size()];
        long[] values = new long[3 * weighted.size()];
        for (int j = 0; j < weighted.size(); j++) {
            WeightedClaim c = weighted.get(j);
            heads[2 * j] = c.weight().numVars();
            heads[2 * j + 1] = c.block();
            Ext3.set(values, j, c.value());
        }
        t.absorbLongs(WhirProtocol.WEIGHT, heads);
        t.absorbExts(WhirProtocol.VALUE, values, 0, weighted.size());
    }

    /**
     * The out-of-domain step after a commitment to a polynomial of m variables: for each
     * sample, challenge ζ ("whir/ood"), read the answer u = ĝ(ζ, ζ^2, ..., ζ^(2^(m-1))) and
     * absorb it ("whir/ood-answer"). Returns the claims (point, u).
     */
    private List<EvaluationClaim> outOfDomain(ProofReader proof, Transcript t, int m, String what)
            throws InvalidProofException {
        List<EvaluationClaim> out = new ArrayList<>();
        for (int s = 0; s < params.oodSamples(); s++) {
            Ext3 zeta = t.challengeExt(WhirProtocol.OOD);
            Ext3 u = proof.ext(what + " out-of-domain answer");
            t.absorbExt(WhirProtocol.OOD_ANSWER, u);
            out.add(new EvaluationClaim(WhirProtocol.oodPoint(zeta, m), u));
        }
        return out;
    }

    /** Reads h(0), h(1), h(2), checks h(0) + h(1) = σ, returns {α, h(α)}. */
    private static Ext3[] sumcheckRound(ProofReader proof, Transcript t, Ext3 sigma, String what)
            throws InvalidProofException {
        long[] h = proof.exts(what, 3);
        t.absorbExts(WhirProtocol.SUMCHECK, h, 0, 3);
        Ext3 h0 = Ext3.get(h, 0), h1 = Ext3.get(h, 1), h2 = Ext3.get(h, 2);
        if (!h0.add(h1).equals(sigma)) {
            throw new InvalidProofException(what + ": h(0) + h(1) differs from the claimed sum");
        }
        Ext3 alpha = t.challengeExt(WhirProtocol.FOLD);
        return new Ext3[] {alpha, WhirProtocol.evalQuadratic(h0, h1, h2, alpha)};
    }

    /**
     * The queried leaves in increasing order, each once (a loop, not a stream: a stream pipeline
     * is ~5% of a cold JVM's first verification).
     */
    public static int[] sortedDistinct(int[] indices) {
        int[] a = indices.clone();
        Arrays.sort(a);
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (n == 0 || a[i] != a[n - 1]) {
                a[n++] = a[i];
            }
        }
        return Arrays.copyOf(a, n);
    }

    /**
     * For each level l < k: ω_S^{-rev(v)} for v < S/2, S = 2^(k-l) (the inverse points of the
     * ±z pairs of a bit-reversed fold block, up to the factor x^{2^l}).
     */
    static long[][] inverseTwiddles(int k) {
        long[][] tw = new long[k][];
        for (int l = 0; l < k; l++) {
            int logS = k - l;
            int half = 1 << (logS - 1);
            long wInv = Goldilocks.inv(Goldilocks.rootOfUnity(logS));
            tw[l] = new long[half];
            for (int v = 0; v < half; v++) {
                tw[l][v] = Goldilocks.pow(wInv, WhirProtocol.bitReverse(v, logS - 1));
            }
        }
        return tw;
    }

    /**
     * Folds one opened block (2^k values of f at x·ω_K^rev(u)) by α_0..α_{k-1}: per level,
     * g(z^2) = (f(z) + f(-z))/2 + α·(f(z) - f(-z))/(2z). Returns g_{i+1}(x^K).
     */
    static Ext3 foldLeaf(long[] leaves, int from, int width, int k, long x, Ext3[] alphas, long[][] invTwiddles) {
        int size = 1 << k;
        Ext3[] e = new Ext3[size];
        for (int u = 0; u < size; u++) {
            int o = from + u * width;
            e[u] = width == 1 ? Ext3.of(leaves[o]) : new Ext3(leaves[o], leaves[o + 1], leaves[o + 2]);
        }
        long xInv = Goldilocks.inv(x);
        for (int l = 0; l < k; l++) {
            int half = size >> (l + 1);
            for (int v = 0; v < half; v++) {
                long halfZInv = Goldilocks.mul(WhirProtocol.INV_TWO, Goldilocks.mul(xInv, invTwiddles[l][v]));
                Ext3 e0 = e[2 * v], e1 = e[2 * v + 1];
                Ext3 even = e0.add(e1).mul(WhirProtocol.INV_TWO);
                Ext3 odd = e0.sub(e1).mul(halfZInv);
                e[v] = even.add(alphas[l].mul(odd));
            }
            xInv = Goldilocks.mul(xInv, xInv);
        }
        return e[0];
    }

    /** (y, y^2, y^4, ..., y^(2^(m-1))): f̂ at this point is the univariate f at y. */
    private static Ext3[] powers(long y, int m) {
        Ext3[] p = new Ext3[m];
        long cur = y;
        for (int j = 0; j < m; j++) {
            p[j] = Ext3.of(cur);
            cur = Goldilocks.mul(cur, cur);
        }
        return p;
    }

    /** The multilinear with monomial coefficients c (array form) at r: fold c[2j] + r_k·c[2j+1]. */
    static Ext3 evalMultilinearCoefficients(long[] coeffs, Ext3[] r) {
        int size = coeffs.length / 3;
        Ext3[] cur = new Ext3[size];
        for (int i = 0; i < size; i++) {
            cur[i] = Ext3.get(coeffs, i);
        }
        for (Ext3 rk : r) {
            size >>= 1;
            for (int j = 0; j < size; j++) {
                cur[j] = cur[2 * j].add(rk.mul(cur[2 * j + 1]));
            }
        }
        return cur[0];
    }

    private static long[] toArray(Ext3[] v) {
        long[] a = new long[3 * v.length];
        for (int i = 0; i < v.length; i++) {
            Ext3.set(a, i, v[i]);
        }
        return a;
    }

    private static boolean canonical(Ext3 x) {
        return Goldilocks.isCanonical(x.c0) && Goldilocks.isCanonical(x.c1) && Goldilocks.isCanonical(x.c2);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /**
     * Hiding mode's out-of-domain samples: per sample ζ the answers of f̂ and of the mask
     * polynomial ĝ, each absorbed as it is read; f̂'s claims first, then ĝ's.
     */
    private List<EvaluationClaim> pairedOutOfDomain(ProofReader proof, Transcript t, int n, String what) throws InvalidProofException {
        List<EvaluationClaim> fs = new ArrayList<>(), gs = new ArrayList<>();
        for (int s = 0; s < params.oodSamples(); s++) {
            Ext3[] z = WhirProtocol.oodPoint(t.challengeExt(WhirProtocol.OOD), n);
            Ext3 u = proof.ext(what + " out-of-domain answer");
            t.absorbExt(WhirProtocol.OOD_ANSWER, u);
            Ext3 v = proof.ext("mask out-of-domain answer");
            t.absorbExt(WhirProtocol.OOD_ANSWER, v);
            fs.add(new EvaluationClaim(z, u));
            gs.add(new EvaluationClaim(z, v));
        }
        fs.addAll(gs);
        return fs;
    }
}
