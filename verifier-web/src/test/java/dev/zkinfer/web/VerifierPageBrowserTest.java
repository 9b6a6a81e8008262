package dev.zkinfer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.VerifyingKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The verification page in a real headless browser (Debian's chromium through chromedriver),
 * served over HTTP so that {@code ?vk=...&proof=...} fetches work: the fixture proof verifies with
 * the Java verifier's output, on the WebAssembly build and on the JavaScript one; damaged proofs,
 * another model's key and garbage are shown as invalid with the Java verifier's reason; nothing
 * hangs or escapes as an error. Skipped, saying so, where chromium or chromedriver is missing
 * (run-tests installs them on Debian).
 *
 * <p>With {@code -Dzkinfer.web.lenet=DIR} (DIR holding a LeNet-5 model.vk and proof.bin), it
 * also verifies that proof in the browser a few times and prints the times next to the JVM's.
 */
class VerifierPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration VERDICT_TIMEOUT = Duration.ofSeconds(90);

    private static HttpServer server;
    private static WebDriver browser;
    private static Path cases;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium or chromedriver is not installed (apt-get install chromium chromium-driver): the page's browser test is skipped");
        cases = Files.createDirectories(Path.of("target/page-cases"));
        Path page = JavaScriptModuleTest.PAGE;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring(1);
            Path file = path.startsWith("cases/") ? cases.resolve(path.substring(6)) : page.resolve(path.isEmpty() ? "index.html" : path);
            byte[] body = file.normalize().startsWith(path.startsWith("cases/") ? cases : page) && Files.isRegularFile(file)
                    ? Files.readAllBytes(file) : null;
            exchange.getResponseHeaders().set("Content-Type", contentType(path));
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        browser = startBrowser();
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        browser.manage().timeouts().scriptTimeout(Duration.ofMinutes(3));
    }

    private static WebDriver startBrowser(String... extraArguments) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
                .addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"WebAssembly", "JavaScript"})
    void fixtureProofIsValidWithTheJavaVerifiersOutput(String engine) throws Exception {
        Shown shown = verify(engine, "valid", RejectionSuite.fixtureKey(), RejectionSuite.fixtureProof(), null);
        assertEquals("valid", shown.state);
        assertEquals(engine, shown.engine);
        VerifyingKey vk = VerifyingKey.decode(RejectionSuite.fixtureKey());
        long[] javaOutput = CircuitVerifier.verify(vk, RejectionSuite.fixtureProof()).output();
        assertEquals(Arrays.toString(javaOutput).replace(" ", ""), shown.outputInt);
        assertEquals(WebVerdict.hex(vk.digest()), shown.digest.split(" ")[0]);
        System.out.printf("fixture proof in chromium (%s): verification %s ms%n", engine, shown.verifyMs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"WebAssembly", "JavaScript"})
    void damagedProofsAnotherModelsKeyAndGarbageAreInvalidWithTheJavaReason(String engine) throws Exception {
        byte[] vk = RejectionSuite.fixtureKey();
        byte[] proof = RejectionSuite.fixtureProof();
        Random rnd = new Random(7);
        byte[][][] pairs = {
            {vk, RejectionSuite.flipped(proof, proof.length / 3, 0x10)},
            {vk, Arrays.copyOf(proof, proof.length / 2)},
            {RejectionSuite.otherModelKey(), proof},
            {vk, RejectionSuite.random(rnd, 5000)},
            {vk, new byte[0]},
            {RejectionSuite.random(rnd, 5000), RejectionSuite.random(rnd, 5000)},
        };
        for (int i = 0; i < pairs.length; i++) {
            Shown shown = verify(engine, "bad" + i, pairs[i][0], pairs[i][1], null);
            String javaReason = reasonOf(WebVerdict.verify(pairs[i][0], pairs[i][1], null));
            assertEquals("invalid", shown.state, "case " + i);
            assertFalse(shown.reason.isBlank(), "case " + i);
            assertEquals(javaReason, shown.reason, "case " + i);
        }
    }

    @Test
    void inputFileMustMatchTheProofsInput() throws Exception {
        byte[] vkBytes = RejectionSuite.fixtureKey();
        VerifyingKey vk = VerifyingKey.decode(vkBytes);
        long[] q = CircuitVerifier.verify(vk, RejectionSuite.fixtureProof()).input();
        StringBuilder same = new StringBuilder("{\"input_data\": [[");
        StringBuilder other = new StringBuilder("{\"input_data\": [[");
        for (int i = 0; i < q.length; i++) {
            same.append(i == 0 ? "" : ",").append(q[i] * vk.io().inputScale());
            other.append(i == 0 ? "" : ",").append((q[i] == vk.io().inputMax() ? q[i] - 1 : q[i] + 1) * vk.io().inputScale());
        }
        Files.writeString(cases.resolve("same.json"), same.append("]]}"));
        Files.writeString(cases.resolve("other.json"), other.append("]]}"));
        Files.writeString(cases.resolve("broken.json"), "{\"input_data\": [[1, 2,");
        assertEquals("valid", verify("WebAssembly", "in1", vkBytes, RejectionSuite.fixtureProof(), "same.json").state);
        Shown wrong = verify("WebAssembly", "in2", vkBytes, RejectionSuite.fixtureProof(), "other.json");
        assertEquals("invalid", wrong.state);
        assertEquals("the proof is for a different input than the given one", wrong.reason);
        Shown broken = verify("WebAssembly", "in3", vkBytes, RejectionSuite.fixtureProof(), "broken.json");
        assertEquals("invalid", broken.state);
        assertFalse(broken.reason.isBlank());
    }

    @Test
    void verificationThatDoesNotFinishInTimeIsStoppedAndShownAsInvalid() throws Exception {
        Files.write(cases.resolve("slow.vk"), RejectionSuite.fixtureKey());
        Files.write(cases.resolve("slow.proof"), RejectionSuite.fixtureProof());
        browser.get(base + "index.html?vk=cases/slow.vk&proof=cases/slow.proof&engine=js&timeout=0.001");
        Shown shown = awaitVerdict();
        assertEquals("invalid", shown.state);
        assertEquals("the verifier did not finish within 0.001 s", shown.reason);
    }

    @Test
    void filesChosenWithThePickersAreVerified() throws Exception {
        Path vk = Files.write(cases.resolve("picked.vk"), RejectionSuite.fixtureKey());
        Path proof = Files.write(cases.resolve("picked.proof"), RejectionSuite.fixtureProof());
        browser.get(base + "index.html");
        WebDriverWait wait = new WebDriverWait(browser, VERDICT_TIMEOUT);
        wait.until(d -> d.findElement(By.id("verify")).isEnabled());
        browser.findElement(By.id("vk-file")).sendKeys(vk.toAbsolutePath().toString());
        browser.findElement(By.id("proof-file")).sendKeys(proof.toAbsolutePath().toString());
        browser.findElement(By.id("verify")).click();
        assertEquals("valid", awaitVerdict().state);
    }

    @Test
    void lenet5VerificationTime() throws Exception {
        String dir = System.getProperty("zkinfer.web.lenet");
        assumeTrue(dir != null && !dir.isBlank(), "set -Dzkinfer.web.lenet=DIR (model.vk, proof.bin) to time LeNet-5 in the browser");
        timeInTheBrowser("LeNet-5", "lenet", Path.of(dir), 4, 20);
    }

    @Test
    void vgg16VerificationTime() throws Exception {
        String dir = System.getProperty("zkinfer.web.vgg16");
        assumeTrue(dir != null && !dir.isBlank(), "set -Dzkinfer.web.vgg16=DIR (model.vk, proof.bin) to time VGG-16 in the browser");
        timeInTheBrowser("VGG-16", "vgg16", Path.of(dir), 2, 5);
    }

    /**
     * Prints the warm JVM's best of 30 verifications of DIR's proof, then each engine's time in chromium: per
     * page load, and warm (the same page's verifier, more runs); every verdict valid with the JVM's output.
     */
    private static void timeInTheBrowser(String label, String name, Path dir, int loads, int warmRuns) throws Exception {
        byte[] vkBytes = Files.readAllBytes(dir.resolve("model.vk"));
        byte[] proof = Files.readAllBytes(dir.resolve("proof.bin"));
        VerifyingKey vk = VerifyingKey.decode(vkBytes);
        String javaOutput = Arrays.toString(CircuitVerifier.verify(vk, proof).output()).replace(" ", "");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 30; i++) {
            long t0 = System.nanoTime();
            CircuitVerifier.verify(vk, proof);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("%s, warm JVM (best of 30): %.1f ms%n", label, best / 1e6);
        for (String engine : new String[] {"WebAssembly", "JavaScript"}) {
            for (int i = 0; i < loads; i++) {
                Shown shown = verify(engine, name, vkBytes, proof, null);
                assertEquals("valid", shown.state);
                assertEquals(javaOutput, shown.outputInt);
                System.out.printf("%s in chromium (%s), page load %d: verification %s ms%n", label, engine, i + 1, shown.verifyMs);
            }
            // warm: the same page's verifier, more runs (window.zkinfer.verify)
            Object times = ((JavascriptExecutor) browser).executeAsyncScript(String.join("\n",
                    "const done = arguments[arguments.length - 1];",
                    "(async () => {",
                    "  const [vk, proof] = await Promise.all([arguments[0], arguments[1]].map(u => fetch(u).then(r => r.arrayBuffer())));",
                    "  const ms = [];",
                    "  for (let i = 0; i < arguments[2]; i++) {",
                    "    const v = await window.zkinfer.verify(vk, proof);",
                    "    if (!v.valid) return 'invalid: ' + v.reason;",
                    "    ms.push(Math.round(v.verify_ms * 10) / 10);",
                    "  }",
                    "  return ms;",
                    "})().then(done, e => done('error: ' + e));"), base + "cases/" + name + ".vk", base + "cases/" + name + ".proof",
                    warmRuns);
            System.out.printf("%s in chromium (%s), warm, %d runs in one page: %s ms%n", label, engine, warmRuns, times);
        }
    }

    private record Shown(String state, String reason, String outputInt, String digest, String verifyMs, String engine) {}

    /** Serves the files as cases/NAME.{vk,proof}, opens the page on them and waits for its verdict. */
    private static Shown verify(String engine, String name, byte[] vk, byte[] proof, String input) throws IOException {
        Files.write(cases.resolve(name + ".vk"), vk);
        Files.write(cases.resolve(name + ".proof"), proof);
        browser.get(base + "index.html?vk=cases/" + name + ".vk&proof=cases/" + name + ".proof"
                + (input == null ? "" : "&input=cases/" + input) + (engine.equals("JavaScript") ? "&engine=js" : ""));
        Shown shown = awaitVerdict();
        if (shown.state.equals("valid") || !shown.engine.isEmpty()) {
            assertEquals(engine, shown.engine);
        }
        return shown;
    }

    private static Shown awaitVerdict() {
        WebDriverWait wait = new WebDriverWait(browser, VERDICT_TIMEOUT);
        wait.until(d -> {
            String s = d.findElement(By.id("verdict")).getDomAttribute("data-state");
            return "valid".equals(s) || "invalid".equals(s);
        });
        var body = browser.findElement(By.tagName("body"));
        assertNull(body.getDomAttribute("data-errors"), "the page threw");
        String engine = body.getDomAttribute("data-engine");
        return new Shown(browser.findElement(By.id("verdict")).getDomAttribute("data-state"),
                browser.findElement(By.id("reason")).getText(), browser.findElement(By.id("output-int")).getText(),
                browser.findElement(By.id("digest")).getText(), browser.findElement(By.id("verdict")).getDomAttribute("data-verify-ms"),
                engine == null ? "" : engine);
    }

    private static String reasonOf(String json) {
        int at = json.indexOf("\"reason\":\"") + 10;
        StringBuilder sb = new StringBuilder();
        for (int i = at; json.charAt(i) != '"'; i++) {
            char c = json.charAt(i);
            if (c == '\\') {
                c = json.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String contentType(String path) {
        if (path.endsWith(".html") || path.isEmpty()) {
            return "text/html; charset=utf-8";
        } else if (path.endsWith(".js") || path.endsWith(".mjs")) {
            return "text/javascript; charset=utf-8";
        } else if (path.endsWith(".wasm")) {
            return "application/wasm";
        } else if (path.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }
}
