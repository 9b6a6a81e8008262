package dev.zkinfer.web;

import java.util.List;

/**
 * The files of the verification page, which the build assembles in this module's jar under
 * {@link #RESOURCE_DIR}: the page (index.html, page.js, the worker and its choice of build), the JavaScript module
 * (zkinfer-verifier.js and TeaVM's JavaScript build of the verifier, zkinfer-verifier-core.js,
 * with package.json) and the WebAssembly GC build with TeaVM's loader. {@code zkinfer
 * verifier-page} copies exactly these files. Constants only: stateless and thread-safe.
 */
public final class VerifierPage {
    /** The class-path folder that holds the page's files. */
    public static final String RESOURCE_DIR = "dev/zkinfer/web/page/";

    /** Every file of the page, by name. */
    public static final List<String> FILES = List.of(
            "index.html", "page.js", "verifier-worker.js", "verifier-engine.js",
            "zkinfer-verifier.js", "zkinfer-verifier-core.js", "package.json",
            "zkinfer-verifier.wasm", "zkinfer-verifier.wasm-runtime.js");

    private VerifierPage() {}
}
