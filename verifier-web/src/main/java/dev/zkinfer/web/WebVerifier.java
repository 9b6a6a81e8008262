package dev.zkinfer.web;

import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Float64Array;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The entry point that TeaVM compiles, with the verifier, to WebAssembly and JavaScript: the one
 * exported function {@code verify(vk, proof, input)} returns {@link WebVerdict}'s JSON verdict.
 * {@code zkinfer-verifier.mjs} wraps it for JavaScript callers (bytes in, a parsed object out).
 * Stateless and thread-safe.
 */
public final class WebVerifier {
    private WebVerifier() {}

    /** TeaVM's entry point; the module does its work in {@link #verify}. */
    public static void main(String[] args) {
        // nothing to start: the page and the module call verify
    }

    /** The JSON verdict on {@code proof} under the key {@code vk}; {@code input} may be null. */
    @JSExport
    public static String verify(Int8Array vk, Int8Array proof, Float64Array input) {
        return WebVerdict.verify(vk.copyToJavaArray(), proof.copyToJavaArray(),
                input == null ? null : input.copyToJavaArray());
    }
}
