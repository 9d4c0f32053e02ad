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
 * the overview count it, close a connection from the connections page, lift a ban, add and delete a user,
 * make and revoke an API token, change the password and log in with it and a recovery code, disable and
 * delete the forward; after every page, fail on any console error. Writes the screenshots in
 * docs/screenshots/. Needs Debian's chromium and chromium-driver; skipped without them.
 */
@Tag("browser")
class DashboardBrowserTest {

    private static final String USER = "admin";
    private static final String PASSWORD = "quiet-harbour-lantern-4821";
    private static final String NEW_PASSWORD = "amber-orchard-compass-7305";
    private static final String VIEWER = "night-watch";
    private static final String VIEWER_PASSWORD = "velvet-canyon-ledger-1168";
    private static final String CONSOLE_PROBE = "portcullis-test: this console error is written on purpose";
    private static final Path SHOTS = Path.of("docs", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * Console errors a step provokes on purpose (a refused form, a stale edit, the logged-out probe, a
     * revoked token, the probe that shows the check works).
     */
    private static final List<Pattern> EXPECTED_ERRORS = List.of(
            Pattern.compile("/api/v1/session - Failed to load resource: the server responded with a status of 401"),
            Pattern.compile("/api/v1/forwards - Failed to load resource: the server responded with a status of 400"),
            Pattern.compile("/api/v1/forwards/echo - Failed to load resource: the server responded with a status of 412"),
            Pattern.compile("/api/v1/status\\?token-probe=revoked - Failed to load resource: the server responded with a status of 401"),
            Pattern.compile(Pattern.quote(CONSOLE_PROBE)));

    @TempDir
    Path dir;

    private TestGateway gateway;
    private EchoServer echo;
    private WebDriverClient web;
    private long lastTotpStep = Long.MIN_VALUE;
    private int consoleChecked;

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

        // The console check is real: an error written on purpose is seen (and then allowed).
        web.script("console.error(arguments[0])", CONSOLE_PROBE);
        web.until("the console probe in the browser's log", WAIT,
                () -> web.browserLog().stream().anyMatch(e -> e.level().equals("SEVERE") && e.message().contains(CONSOLE_PROBE)));
        assertNoConsoleErrors("setup and the first login");

        // Two-factor enrolment: the QR code and the secret as text, a code, ten recovery codes.
        web.await("a[href='#/account']").click();
        web.await("#totp-start").click();
        String secret = web.await("#totp-secret").text().replace(" ", "");
        assertThat(secret).matches("[A-Z2-7]{16,}");
        web.await("#totp-qr canvas");
        shot(SHOTS.resolve("account-totp.png"));
        web.await("#totp-code").fill(nextCode(secret));
        web.await("#totp-confirm button[type=submit]").click();
        web.await("#recovery-codes");
        List<String> recoveryCodes = web.findAll("#recovery-codes li").stream().map(WebDriverClient.Element::text).toList();
        assertThat(recoveryCodes).hasSize(10).doesNotHaveDuplicates();
        assertNoConsoleErrors("two-factor enrolment");

        // Log out, and in again with the password and a TOTP code.
        web.await("#logout").click();
        web.await("input[name=user]").fill(USER);
        web.await("input[name=password]").fill(PASSWORD);
        web.await("form button[type=submit]").click();
        web.await("input[name=code]").fill(nextCode(secret));
        web.await("form button[type=submit]").click();
        awaitHeading("Overview");
        assertNoConsoleErrors("the login with a TOTP code");

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
        assertNoConsoleErrors("the forward editor");

        // Traffic through it; three connections stay open while the overview and the connections are looked at.
        for (int i = 0; i < 3; i++) {
            echoThrough(listenPort, 64 * 1024);
        }
        try (Socket first = connect(listenPort); Socket second = connect(listenPort); Socket third = connect(listenPort)) {
            roundTrip(first, 4096);
            roundTrip(second, 300 * 1024);
            roundTrip(third, 12 * 1024);
            web.await("a[href='#/']").click();
            awaitHeading("Overview");
            web.until("the live total of echo", WAIT, () -> counter("echo", "total").equals("6"));
            web.until("echo's bytes in", WAIT, () -> counter("echo", "bytesIn").endsWith("KiB"));
            web.until("three open connections", WAIT, () -> counter("echo", "open").equals("3"));
            web.until("the live label", WAIT, () -> web.await("#live").text().contains("Live"));
            for (int kib : new int[] {160, 420, 260, 560, 200, 340}) {
                roundTrip(first, kib * 1024);
                Thread.sleep(900);
            }
            shot(SHOTS.resolve("overview.png"));
            assertNoConsoleErrors("the overview");

            // The open count links to the forward's connections: the three held open, each by its client port.
            web.await("a[data-connections='echo']").click();
            awaitHeading("Connections");
            assertThat(web.currentUrl()).endsWith("#/connections?forward=echo");
            assertThat(web.await("select[name=forward]").property("value")).isEqualTo("echo");
            web.until("three connections listed", WAIT, () -> web.findAll("tr[data-connection]").size() == 3);
            for (Socket s : List.of(first, second, third)) {
                web.await(connectionRow(s));
            }
            web.until("the live label", WAIT, () -> web.await("#live").text().contains("Live"));
            shot(SHOTS.resolve("connections.png"));

            // Close the first from the page: the test's socket really ends, the others go on.
            web.await(connectionRow(first) + " button[data-close]").click();
            web.await("#confirm[open]");
            assertThat(web.await("#confirm-title").text()).startsWith("Close connection #");
            web.await("#confirm-ok").click();
            web.until("the closed connection's row gone", WAIT, () -> web.find(connectionRow(first)).isEmpty());
            first.setSoTimeout(5_000);
            assertThat(first.getInputStream().read()).as("a read on the closed connection").isEqualTo(-1);
            roundTrip(second, 1024);
            Thread.sleep(2500); // a refresh later: the closed one stays away, the others stay listed
            assertThat(web.findAll("tr[data-connection]")).hasSize(2);
            assertThat(web.await("#connections-count").text()).isEqualTo("2 open");
        }
        // The test closes its own two: the page sees them go by itself.
        web.until("the empty list", WAIT,
                () -> web.find(".card .empty").map(e -> e.text().contains("No open connections through echo")).orElse(false));

        // It refreshes only while it is visible (a hidden tab asks nothing), and stops when left.
        web.script("""
                window.connectionRequests = 0;
                const fetchBefore = window.fetch;
                window.fetch = (url, ...rest) => {
                  if (String(url).startsWith('/api/v1/connections')) window.connectionRequests += 1;
                  return fetchBefore(url, ...rest);
                };
                Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
                document.dispatchEvent(new Event('visibilitychange'));
                """);
        web.until("the paused label", WAIT, () -> web.await("#live").text().contains("Paused"));
        long whileHidden = connectionRequests();
        Thread.sleep(3000);
        assertThat(connectionRequests()).as("requests while hidden").isEqualTo(whileHidden);
        web.script("delete document.hidden; document.dispatchEvent(new Event('visibilitychange'));");
        web.until("a refresh as soon as it shows again", WAIT, () -> connectionRequests() > whileHidden);
        web.until("the live label again", WAIT, () -> web.await("#live").text().contains("Live"));
        assertNoConsoleErrors("the connections page");
        web.await("a[href='#/bans']").click();
        awaitHeading("Bans");
        long whenLeft = connectionRequests();

        // The editor, and a stale edit: someone else saves first, this form is told so.
        web.open(base + "#/forwards/echo");
        web.await("input[name=max-connections]").fill("500");
        changeBehindTheFormsBack("echo");
        web.await("#forward-form button[type=submit]").click();
        String stale = web.await("#form-problems.notice-warn").text();
        assertThat(stale).contains("Someone else changed this forward");
        assertThat(connectionRequests()).as("connection requests after leaving the page").isEqualTo(whenLeft);
        web.open(base + "#/forwards/echo?again=1");
        web.await("input[name=listen]");
        web.script("window.scrollTo(0, 0)");
        shot(SHOTS.resolve("forward-editor.png"));
        assertNoConsoleErrors("the stale edit");

        // Bans: add one, see it listed, lift it.
        web.await("a[href='#/bans']").click();
        web.await("input[name=network]").fill("203.0.113.7");
        web.await("input[name=reason]").fill("port scan from the test");
        web.await("form button[type=submit]").click();
        web.until("the new ban in the list", WAIT, () -> web.find("table.table").map(t -> t.text().contains("203.0.113.7")).orElse(false));
        shot(SHOTS.resolve("bans.png"));
        web.awaitWithText("tbody tr", "203.0.113.7");
        clickInRow("203.0.113.7", "Lift");
        confirm("Lift the ban on 203.0.113.7?");
        web.until("no ban left", WAIT, () -> web.find(".empty").map(e -> e.text().contains("Nobody is banned")).orElse(false));
        assertNoConsoleErrors("the bans page");

        // Ports, filtered to the forward's port.
        web.await("a[href='#/ports']").click();
        web.await("input[name=q]");
        shot(SHOTS.resolve("ports.png"));
        web.await("input[name=q]").fill(Integer.toString(listenPort));
        web.until("the filter applied", WAIT, () -> web.await("#ports-count").text().contains(" of "));
        assertNoConsoleErrors("the ports page");

        // The audit log shows what happened.
        web.await("a[href='#/audit']").click();
        web.until("the audit entries", WAIT, () -> web.find("table.table").map(t -> t.text().contains("forward.create")).orElse(false));
        web.until("the closed connection in the audit log", WAIT,
                () -> web.find("table.table").map(t -> t.text().contains("connection.close")).orElse(false));
        shot(SHOTS.resolve("audit.png"));
        assertNoConsoleErrors("the audit page");

        // Users: an admin sees the page and adds a viewer (who looks around below, and is deleted then).
        web.await("a[href='#/users']").click();
        web.until("the users table", WAIT, () -> web.find("table.table").map(t -> t.text().contains(USER)).orElse(false));
        web.await("input[name=name]").fill(VIEWER);
        web.await("input[name=password]").fill(VIEWER_PASSWORD);
        assertThat(web.await("select[name=role]").property("value")).isEqualTo("viewer");
        web.awaitWithText("form button[type=submit]", "Add user").click();
        web.until("the viewer listed as viewer", WAIT,
                () -> web.findWithText("tbody tr", VIEWER).map(r -> r.text().contains("viewer") && r.text().contains("off")).orElse(false));
        assertNoConsoleErrors("the users page");

        // Account: two-factor on; an API token, shown once, that works until it is revoked.
        web.await("a[href='#/account']").click();
        web.until("two-factor shown as on", WAIT, () -> web.await("#totp").text().contains("On"));
        web.await("#token-form input[name=name]").fill("ci-read");
        web.await("#token-form button[type=submit]").click();
        String token = web.await("#new-token").text();
        assertThat(token).startsWith("pct_");
        assertThat(statusWithToken(token, "fresh")).isEqualTo(200);
        web.open(base + "#/account?again=1");
        web.awaitWithText("#tokens tbody tr", "ci-read");
        assertThat(web.find("#new-token")).as("the token shown again").isEmpty();
        assertThat(web.await("main").text()).doesNotContain(token);
        clickInRow("ci-read", "Revoke");
        confirm("Revoke ci-read?");
        web.until("no token left", WAIT, () -> web.find("#tokens .empty").map(e -> e.text().contains("No tokens yet")).orElse(false));
        assertThat(statusWithToken(token, "revoked")).isEqualTo(401);
        assertNoConsoleErrors("the API tokens");

        // A new password; then out, and in with it and a recovery code instead of the app.
        web.await("section[aria-labelledby=password-title] input[name=current]").fill(PASSWORD);
        web.await("section[aria-labelledby=password-title] input[name=password]").fill(NEW_PASSWORD);
        web.await("section[aria-labelledby=password-title] input[name=again]").fill(NEW_PASSWORD);
        web.await("section[aria-labelledby=password-title] button[type=submit]").click();
        web.awaitWithText(".toast", "Password changed.");
        web.await("#logout").click();

        // The viewer sees the connections but cannot close them (nor make forwards).
        web.await("input[name=user]").fill(VIEWER);
        web.await("input[name=password]").fill(VIEWER_PASSWORD);
        web.await("form button[type=submit]").click();
        awaitHeading("Overview");
        assertThat(web.await("#who-name").text()).isEqualTo(VIEWER + " · viewer");
        assertThat(web.find("a[href='#/users']").filter(WebDriverClient.Element::displayed)).isEmpty();
        try (Socket watched = connect(listenPort)) {
            roundTrip(watched, 2048);
            web.await("a[href='#/connections']").click();
            awaitHeading("Connections");
            web.await(connectionRow(watched));
            assertThat(web.find("button[data-close]")).as("a Close button for a viewer").isEmpty();
        }
        web.await("a[href='#/forwards']").click();
        awaitHeading("Forwards");
        assertThat(web.find(".page-head a[href='#/forwards/new']")).as("New forward for a viewer").isEmpty();
        assertNoConsoleErrors("the viewer's pages");
        web.await("#logout").click();

        web.await("input[name=user]").fill(USER);
        web.await("input[name=password]").fill(NEW_PASSWORD);
        web.await("form button[type=submit]").click();
        web.await("input[name=code]");
        web.awaitWithText("button.link-button", "Use a recovery code instead").click();
        web.await("input[name=recoveryCode]").fill(recoveryCodes.get(0));
        web.await("form button[type=submit]").click();
        awaitHeading("Overview");
        web.await("a[href='#/account']").click();
        web.until("one recovery code used", WAIT, () -> web.await("#totp").text().contains("9 of 10 recovery codes left"));
        assertNoConsoleErrors("the new password and the recovery code");

        // The viewer is deleted.
        web.await("a[href='#/users']").click();
        clickInRow(VIEWER, "Delete");
        confirm("Delete " + VIEWER + "?");
        web.until("the viewer gone", WAIT, () -> web.find("table.table").map(t -> !t.text().contains(VIEWER)).orElse(false));
        assertNoConsoleErrors("deleting a user");

        // A phone: the overview with some traffic, and a connection as a card.
        web.viewport(390, 844, 2, true);
        web.await("a[href='#/']").click();
        awaitHeading("Overview");
        web.until("echo's counters", WAIT, () -> !counter("echo", "total").isEmpty());
        web.until("the live label", WAIT, () -> web.await("#live").text().contains("Live"));
        try (Socket phone = connect(listenPort)) {
            for (int kib : new int[] {300, 520, 380, 460, 240}) {
                roundTrip(phone, kib * 1024);
                Thread.sleep(800);
            }
            web.script("window.scrollTo(0, 0)");
            shot(SHOTS.resolve("overview-phone.png"));
            assertNoConsoleErrors("the overview on a phone");
            web.await("a[href='#/connections']").click();
            awaitHeading("Connections");
            web.await(connectionRow(phone) + " button[data-close]");
            shot(Path.of("target", "connections-phone.png"));
        }
        assertNoConsoleErrors("the connections page on a phone");

        // In between a phone and a desktop: every nav item in sight, none under the user box.
        for (int width : new int[] {1280, 1024, 820}) {
            web.viewport(width, 800, 1, false);
            web.until("the whole nav clear of the user box at " + width + " px", WAIT, () -> web.script(
                    "const nav = document.getElementById('nav');"
                    + "const n = nav.getBoundingClientRect(), w = document.querySelector('.who').getBoundingClientRect();"
                    + "return nav.scrollWidth <= nav.clientWidth && (n.right <= w.left + 0.5 || n.top >= w.bottom - 0.5);").asBoolean());
        }
        web.await("a[href='#/connections']").click();
        awaitHeading("Connections");
        shot(Path.of("target", "connections-820.png"));
        web.viewport(1280, 800, 1, false);

        // Disable the forward (its port stops listening), then delete it.
        web.await("a[href='#/forwards']").click();
        clickInRow("echo", "Disable");
        web.until("echo shown as disabled", WAIT, () -> web.findWithText("tbody tr", "echo").map(r -> r.text().contains("disabled")).orElse(false));
        web.until("echo's port refusing connections", WAIT, () -> refuses(listenPort));
        clickInRow("echo", "Delete");
        confirm("Delete echo?");
        web.until("echo gone from the list", WAIT, () -> web.findWithText("tbody tr", "echo").isEmpty());
        assertThat(refuses(listenPort)).as("echo's port after the delete refuses connections").isTrue();
        web.await("a[href='#/']").click();
        awaitHeading("Overview");
        assertThat(web.find("[data-forward='echo']")).isEmpty();
        assertNoConsoleErrors("disabling and deleting a forward");
    }

    /** A screenshot of the page without the toasts that earlier steps left in the corner. */
    private void shot(Path file) throws IOException {
        web.script("document.getElementById('toasts').replaceChildren()");
        web.screenshot(file);
    }

    /** Fails on any console error since the last check that no step provoked on purpose. */
    private void assertNoConsoleErrors(String step) {
        List<LogEntry> all = web.browserLog();
        List<LogEntry> errors = all.subList(consoleChecked, all.size()).stream()
                .filter(e -> e.level().equals("SEVERE"))
                .filter(e -> EXPECTED_ERRORS.stream().noneMatch(p -> p.matcher(e.message()).find()))
                .toList();
        consoleChecked = all.size();
        assertThat(errors).as("console errors during " + step).isEmpty();
    }

    /** How many requests for /api/v1/connections the page made since the test started counting. */
    private long connectionRequests() {
        return web.script("return window.connectionRequests").asLong(-1);
    }

    /** Clicks the button labelled {@code button} in the table row that mentions {@code rowText}. */
    private void clickInRow(String rowText, String button) {
        web.until("the " + button + " button of " + rowText, WAIT, () -> {
            JsonNode clicked = web.script("""
                    const row = [...document.querySelectorAll('main tbody tr')].find((r) => r.textContent.includes(arguments[0]));
                    const b = row && [...row.querySelectorAll('button')].find((x) => x.textContent.trim() === arguments[1]);
                    return b || null;
                    """, rowText, button);
            if (clicked == null || clicked.isNull()) {
                return false;
            }
            web.element(clicked).click();
            return true;
        });
    }

    /** Answers the confirmation dialog (titled {@code title}) with its confirm button. */
    private void confirm(String title) {
        web.await("#confirm[open]");
        assertThat(web.await("#confirm-title").text()).isEqualTo(title);
        web.await("#confirm-ok").click();
        web.until("the dialog closed", WAIT, () -> web.find("#confirm[open]").isEmpty());
    }

    /** The HTTP status of GET /api/v1/status with only the bearer token (no cookie), from the browser. */
    private int statusWithToken(String token, String probe) {
        JsonNode status = web.asyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/status?token-probe=' + arguments[1], { credentials: 'omit', cache: 'no-store',
                  headers: { Authorization: 'Bearer ' + arguments[0] } })
                  .then((r) => done(r.status), (e) => done(String(e)));
                """, token, probe);
        return status.asInt();
    }

    private static String connectionRow(Socket s) {
        return "tr[data-client='127.0.0.1:" + s.getLocalPort() + "']";
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return s;
    }

    /** Whether a connection to the port is refused (nothing listens there). */
    private static boolean refuses(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            return false;
        } catch (IOException e) {
            return true;
        }
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
