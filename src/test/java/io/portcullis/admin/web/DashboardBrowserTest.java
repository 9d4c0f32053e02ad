package io.portcullis.admin.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.admin.auth.Totp;
import io.portcullis.admin.web.WebDriverClient.LogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser against a real gateway: first-run setup through the printed link, log
 * in, enrol TOTP, log in again with the second factor, create a forward, send traffic through it and see
 * the overview count it, visit every page, and fail on any console error. Writes the screenshots in
 * docs/screenshots/. Needs Debian's chromium and chromium-driver; skipped without them.
 */
@Tag("browser")
class DashboardBrowserTest {

    private static final String USER = "admin";
    private static final String PASSWORD = "quiet-harbour-lantern-4821";
    private static final Path SHOTS = Path.of("docs", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Console errors a step provokes on purpose (a refused form, a stale edit, the logged-out probe). */
    private static final List<Pattern> EXPECTED_ERRORS = List.of(
            Pattern.compile("/api/v1/session - Failed to load resource: the server responded with a status of 401"),
            Pattern.compile("/api/v1/forwards - Failed to load resource: the server responded with a status of 400"),
            Pattern.compile("/api/v1/forwards/echo - Failed to load resource: the server responded with a status of 412"));

    @TempDir
    Path dir;

    private TestGateway gateway;
    private EchoServer echo;
    private WebDriverClient web;
    private long lastTotpStep = Long.MIN_VALUE;

    @BeforeEach
    void start() throws Exception {
        if (Boolean.getBoolean("portcullis.requirePeers") && !WebDriverClient.available()) {
            // scripts/test installs them: missing here means the browser tests would silently not run.
            throw new AssertionError("chromium and chromedriver are required (-Dportcullis.requirePeers=true) but not installed");
        }
        assumeTrue(WebDriverClient.available(), "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        echo = new EchoServer();
        gateway = TestGateway.start(dir, echo.port());
        web = WebDriverClient.start(dir.resolve("chromium-profile"));
        web.viewport(1280, 800, 1, false);
    }

    @AfterEach
    void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void walksEveryPageFromFirstRunToLiveTrafficWithoutConsoleErrors() throws Exception {
        String base = gateway.baseUrl();

        // First run: the link the gateway prints, then the login page.
        web.open(gateway.setupLink());
        web.await("input[name=user]").fill(USER);
        web.await("input[name=password]").fill(PASSWORD);
        web.await("input[name=again]").fill(PASSWORD);
        web.await("form button[type=submit]").click();
        web.await(".notice-ok");
        assertThat(web.currentUrl()).contains("#/login");
        web.await("input[name=password]").fill(PASSWORD);
        web.await("form button[type=submit]").click();
        awaitHeading("Overview");

        // Two-factor enrolment: the QR code and the secret as text, a code, ten recovery codes.
        web.await("a[href='#/account']").click();
        web.await("#totp-start").click();
        String secret = web.await("#totp-secret").text().replace(" ", "");
        assertThat(secret).matches("[A-Z2-7]{16,}");
        web.await("#totp-qr canvas");
        web.screenshot(SHOTS.resolve("account-totp.png"));
        web.await("#totp-code").fill(nextCode(secret));
        web.await("#totp-confirm button[type=submit]").click();
        web.await("#recovery-codes");
        assertThat(web.findAll("#recovery-codes li")).hasSize(10);

        // Log out, and in again with the password and a TOTP code.
        web.await("#logout").click();
        web.await("input[name=user]").fill(USER);
        web.await("input[name=password]").fill(PASSWORD);
        web.await("form button[type=submit]").click();
        web.await("input[name=code]").fill(nextCode(secret));
        web.await("form button[type=submit]").click();
        awaitHeading("Overview");

        // A forward to the echo server: first refused (the server's problem shown at its field), then made.
        int listenPort = freePort();
        web.await("a[href='#/forwards']").click();
        web.await(".page-head a[href='#/forwards/new']").click();
        web.await("input[name=name]").fill("echo");
        web.await("input[name=listen]").fill("127.0.0.1:70000");
        web.await("textarea[name=targets]").fill("127.0.0.1:" + echo.port());
        web.await("#forward-form button[type=submit]").click();
        web.until("the listen field marked invalid", WAIT,
                () -> web.script("return document.querySelector('input[name=listen]').getAttribute('aria-invalid') === 'true'").asBoolean());
        String listenError = web.await("input[name=listen] ~ .field-error").text();
        assertThat(listenError).contains("70000");
        web.await("input[name=listen]").fill("127.0.0.1:" + listenPort);
        web.await("#forward-form button[type=submit]").click();
        web.until("the new forward's page", WAIT, () -> web.currentUrl().endsWith("#/forwards/echo"));
        web.await("#delete-forward");

        // Traffic through it; one connection stays open while the overview is looked at.
        for (int i = 0; i < 3; i++) {
            echoThrough(listenPort, 64 * 1024);
        }
        try (Socket open = new Socket()) {
            open.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 5_000);
            roundTrip(open, 4096);
            web.await("a[href='#/']").click();
            awaitHeading("Overview");
            web.until("the live total of echo", WAIT, () -> counter("echo", "total").equals("4"));
            web.until("echo's bytes in", WAIT, () -> counter("echo", "bytesIn").endsWith("KiB"));
            web.until("one open connection", WAIT, () -> counter("echo", "open").equals("1"));
            web.until("the live label", WAIT, () -> web.await("#live").text().contains("Live"));
            for (int i = 0; i < 4; i++) {
                roundTrip(open, 256 * 1024);
                Thread.sleep(900);
            }
            web.screenshot(SHOTS.resolve("overview.png"));
        }

        // The editor, and a stale edit: someone else saves first, this form is told so.
        web.open(base + "#/forwards/echo");
        web.await("input[name=max-connections]").fill("500");
        changeBehindTheFormsBack("echo");
        web.await("#forward-form button[type=submit]").click();
        String stale = web.await("#form-problems.notice-warn").text();
        assertThat(stale).contains("Someone else changed this forward");
        web.open(base + "#/forwards/echo?again=1");
        web.await("input[name=listen]");
        web.script("window.scrollTo(0, 0)");
        web.screenshot(SHOTS.resolve("forward-editor.png"));

        // Bans: add one, see it listed.
        web.await("a[href='#/bans']").click();
        web.await("input[name=network]").fill("203.0.113.7");
        web.await("input[name=reason]").fill("port scan from the test");
        web.await("form button[type=submit]").click();
        web.until("the new ban in the list", WAIT, () -> web.find("table.table").map(t -> t.text().contains("203.0.113.7")).orElse(false));
        web.screenshot(SHOTS.resolve("bans.png"));

        // Ports, filtered to the forward's port.
        web.await("a[href='#/ports']").click();
        web.await("input[name=q]");
        web.screenshot(SHOTS.resolve("ports.png"));
        web.await("input[name=q]").fill(Integer.toString(listenPort));
        web.until("the filter applied", WAIT, () -> web.await("#ports-count").text().contains(" of "));

        // The audit log shows what happened.
        web.await("a[href='#/audit']").click();
        web.until("the audit entries", WAIT, () -> web.find("table.table").map(t -> t.text().contains("forward.create")).orElse(false));
        web.screenshot(SHOTS.resolve("audit.png"));

        // Users (an admin sees the page) and the account page with two-factor on.
        web.await("a[href='#/users']").click();
        web.until("the users table", WAIT, () -> web.find("table.table").map(t -> t.text().contains(USER)).orElse(false));
        web.await("a[href='#/account']").click();
        web.until("two-factor shown as on", WAIT, () -> web.await("#totp").text().contains("On"));

        // A phone.
        web.viewport(390, 844, 2, true);
        web.await("a[href='#/']").click();
        awaitHeading("Overview");
        web.until("echo's counters", WAIT, () -> !counter("echo", "total").isEmpty());
        web.script("window.scrollTo(0, 0)");
        Thread.sleep(1500);
        web.screenshot(SHOTS.resolve("overview-phone.png"));

        List<LogEntry> errors = web.browserLog().stream()
                .filter(e -> e.level().equals("SEVERE"))
                .filter(e -> EXPECTED_ERRORS.stream().noneMatch(p -> p.matcher(e.message()).find()))
                .toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    /** Saves the forward through the API from the same browser session, as another admin would. */
    private void changeBehindTheFormsBack(String name) {
        JsonNode status = web.asyncScript("""
                const name = arguments[0];
                const done = arguments[arguments.length - 1];
                (async () => {
                  const session = await (await fetch('/api/v1/session')).json();
                  const res = await fetch('/api/v1/forwards/' + name);
                  const forward = await res.json();
                  const spec = { ...forward.spec, 'max-connections': 100 };
                  const put = await fetch('/api/v1/forwards/' + name, { method: 'PUT', body: JSON.stringify(spec),
                    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf, 'If-Match': res.headers.get('ETag') } });
                  done(put.status);
                })().catch((e) => done(String(e)));
                """, name);
        assertThat(status.asText()).isEqualTo("200");
    }

    private void awaitHeading(String text) {
        web.until("the heading '" + text + "'", WAIT, () -> web.find("main h1").map(h -> h.text().equals(text)).orElse(false));
    }

    private String counter(String forward, String key) {
        return web.find("[data-forward='" + forward + "'][data-counter='" + key + "']").map(WebDriverClient.Element::text).orElse("");
    }

    /** A TOTP code for a step not used yet: the server refuses a step it has seen (no replays). */
    private String nextCode(String secret) {
        long step = Math.max(Totp.step(Instant.now()), lastTotpStep + 1);
        lastTotpStep = step;
        return Totp.code(secret, step);
    }

    private static void echoThrough(int port, int size) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            roundTrip(s, size);
        }
    }

    private static void roundTrip(Socket s, int size) throws IOException {
        s.setSoTimeout(10_000);
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 'x');
        OutputStream o = s.getOutputStream();
        o.write(out);
        o.flush();
        InputStream in = s.getInputStream();
        byte[] back = new byte[size];
        int read = 0;
        while (read < size) {
            int n = in.read(back, read, size - read);
            if (n < 0) {
                throw new IOException("the echo ended after " + read + " of " + size + " bytes");
            }
            read += n;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
