package io.portcullis.admin.web;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A small W3C WebDriver client over java.net.http, enough to drive headless Chromium through
 * chromedriver: sessions, navigation, elements by CSS selector, clicks, keys, text, scripts, screenshots,
 * the viewport (through the Chrome DevTools Protocol) and the browser's console log.
 */
final class WebDriverClient implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final HttpClient http;
    private final URI base;
    private final String session;
    private final List<LogEntry> log = new ArrayList<>();

    /** One line of the browser's console (level SEVERE, WARNING, INFO...; source javascript, network...). */
    record LogEntry(String level, String source, String message) {}

    /** Whether Chromium and chromedriver are installed where Debian puts them. */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    private WebDriverClient(Process driver, HttpClient http, URI base, String session) {
        this.driver = driver;
        this.http = http;
        this.base = base;
        this.session = session;
    }

    /** Starts chromedriver on a free port and a headless Chromium session with its profile in {@code profile}. */
    static WebDriverClient start(Path profile) throws IOException, InterruptedException {
        requireNonNull(profile, "profile");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path driverLog = profile.resolveSibling(profile.getFileName() + "-chromedriver.log");
        Process process = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            Instant deadline = Instant.now().plusSeconds(20);
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/status")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (JSON.readTree(r.body()).path("value").path("ready").asBoolean()) {
                        break;
                    }
                } catch (IOException notYet) {
                    // chromedriver is still starting
                }
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    throw new IOException("chromedriver did not start within 20 s; its log: " + driverLog);
                }
                Thread.sleep(100);
            }
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("binary", CHROMIUM.toString());
            options.put("args", List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--ignore-certificate-errors", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,800",
                    "--user-data-dir=" + profile.toAbsolutePath()));
            Map<String, Object> caps = new LinkedHashMap<>();
            caps.put("browserName", "chrome");
            caps.put("acceptInsecureCerts", true);
            caps.put("goog:chromeOptions", options);
            caps.put("goog:loggingPrefs", Map.of("browser", "ALL"));
            caps.put("timeouts", Map.of("script", 20_000, "pageLoad", 30_000, "implicit", 0));
            JsonNode answer = send(http, base, "POST", "/session", Map.of("capabilities", Map.of("alwaysMatch", caps)));
            return new WebDriverClient(process, http, base, answer.path("sessionId").asText());
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroy();
            throw e;
        }
    }

    private static JsonNode send(HttpClient http, URI base, String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(COMMAND_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8").method(method, publisher).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() >= 400) {
            JsonNode v = json.path("value");
            throw new WebDriverException(method + " " + path + ": " + v.path("error").asText() + ": " + v.path("message").asText());
        }
        return json.path("value");
    }

    /** A WebDriver command that failed: no such element, a script error, a timeout. */
    static final class WebDriverException extends RuntimeException {
        WebDriverException(String message) {
            super(message);
        }
    }

    private JsonNode command(String method, String path, Object body) {
        try {
            return send(http, base, method, "/session/" + session + path, body);
        } catch (IOException e) {
            throw new WebDriverException(method + " " + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebDriverException("interrupted");
        }
    }

    void open(String url) {
        command("POST", "/url", Map.of("url", url));
    }

    String currentUrl() {
        return command("GET", "/url", null).asText();
    }

    /** Runs a script (its body; arguments as {@code arguments[i]}) and answers its result as JSON. */
    JsonNode script(String body, Object... args) {
        return command("POST", "/execute/sync", Map.of("script", body, "args", List.of(args)));
    }

    /** Runs an async script: the last argument is the callback to call with the result. */
    JsonNode asyncScript(String body, Object... args) {
        return command("POST", "/execute/async", Map.of("script", body, "args", List.of(args)));
    }

    Optional<Element> find(String css) {
        JsonNode all = command("POST", "/elements", Map.of("using", "css selector", "value", css));
        return all.isEmpty() ? Optional.empty() : Optional.of(new Element(all.get(0).path(ELEMENT).asText()));
    }

    List<Element> findAll(String css) {
        List<Element> out = new ArrayList<>();
        for (JsonNode n : command("POST", "/elements", Map.of("using", "css selector", "value", css))) {
            out.add(new Element(n.path(ELEMENT).asText()));
        }
        return out;
    }

    /** An element a script answered (its WebDriver reference). */
    Element element(JsonNode reference) {
        return new Element(reference.path(ELEMENT).asText());
    }

    /** The first element matching {@code css} whose text contains {@code text}. */
    Optional<Element> findWithText(String css, String text) {
        JsonNode found = script("return [...document.querySelectorAll(arguments[0])]"
                + ".find((e) => e.textContent.includes(arguments[1])) || null;", css, text);
        return found == null || found.isNull() ? Optional.empty() : Optional.of(new Element(found.path(ELEMENT).asText()));
    }

    /** Waits (bounded) for a displayed element matching {@code css} whose text contains {@code text}. */
    Element awaitWithText(String css, String text) {
        return until("a visible " + css + " with '" + text + "'", Duration.ofSeconds(15),
                () -> findWithText(css, text).filter(Element::displayed).orElse(null));
    }

    /** Waits (bounded) for a displayed element matching {@code css}. */
    Element await(String css, Duration timeout) {
        return until("a visible " + css, timeout, () -> find(css).filter(Element::displayed).orElse(null));
    }

    Element await(String css) {
        return await(css, Duration.ofSeconds(15));
    }

    /** Polls {@code probe} every 100 ms until it answers non-null (or true), for at most {@code timeout}. */
    <T> T until(String what, Duration timeout, Supplier<T> probe) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (WebDriverException e) {
                last = e; // a stale element while the page re-renders: try again
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + " at " + currentUrl()
                        + (last == null ? "" : " (last error: " + last.getMessage() + ")") + "; the page said: " + pageText());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    /** What the page shows (main and the toasts), shortened, for failure messages. */
    private String pageText() {
        try {
            String text = script("return [...document.querySelectorAll('main, #toasts')].map((e) => e.innerText).join(' | ')").asText();
            text = text.replaceAll("\\s+", " ").strip();
            return text.length() > 600 ? text.substring(0, 600) + "…" : text;
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Sets the viewport exactly, as a phone or a desktop (through the DevTools protocol). */
    void viewport(int width, int height, double scale, boolean mobile) {
        Map<String, Object> params = Map.of("width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile);
        command("POST", "/goog/cdp/execute", Map.of("cmd", "Emulation.setDeviceMetricsOverride", "params", params));
    }

    byte[] screenshot() {
        return Base64.getDecoder().decode(command("GET", "/screenshot", null).asText());
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, screenshot());
    }

    /**
     * Every console entry since the session started. chromedriver hands each entry out once, so this
     * keeps them all.
     */
    List<LogEntry> browserLog() {
        JsonNode entries = command("POST", "/se/log", Map.of("type", "browser"));
        for (JsonNode e : entries) {
            log.add(new LogEntry(e.path("level").asText(), e.path("source").asText(), e.path("message").asText()));
        }
        return List.copyOf(log);
    }

    @Override
    public void close() {
        try {
            command("DELETE", "", null);
        } catch (RuntimeException e) {
            // the browser is gone already
        } finally {
            driver.destroy();
            try {
                driver.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(10), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver.destroyForcibly();
        }
    }

    /** A web element by its WebDriver reference. */
    final class Element {
        private final String id;

        Element(String id) {
            this.id = id;
        }

        void click() {
            command("POST", "/element/" + id + "/click", Map.of());
        }

        void clear() {
            command("POST", "/element/" + id + "/clear", Map.of());
        }

        void type(String text) {
            command("POST", "/element/" + id + "/value", Map.of("text", text));
        }

        /** Clears the field, then types {@code text}. */
        void fill(String text) {
            clear();
            type(text);
        }

        String text() {
            return command("GET", "/element/" + id + "/text", null).asText();
        }

        String property(String name) {
            JsonNode v = command("GET", "/element/" + id + "/property/" + name, null);
            return v.isNull() ? null : v.asText();
        }

        boolean displayed() {
            return command("GET", "/element/" + id + "/displayed", null).asBoolean();
        }

        /** This element as a script argument. */
        ObjectNode ref() {
            ObjectNode n = JSON.createObjectNode();
            n.put(ELEMENT, id);
            return n;
        }
    }
}
