package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.core.ops.QueueThresholds;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.it.mailets.FailOnSubject;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * The live page in Debian's headless Chromium against a real James and RabbitMQ under SMTP load. One
 * stage consumer, held by {@code PauseOnce}, lets the route queue back up past a low backpressure
 * threshold while four SMTP sessions keep offering mail; the page must show every queue with its
 * backlog, the dead letter a poison message left, and SMTP refusing with its reason, then follow the
 * state back to normal once the consumer goes on, without a reload. Screenshot:
 * {@code target/screenshots/pipeline-dashboard.png}.
 */
class PipelineDashboardIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEPTH_ENTER = 20;
    private static final Path SCREENSHOT = Path.of("target", "screenshots", "pipeline-dashboard.png");
    private static final String PAGE = "/pipeline/dashboard";
    /** Where the page keeps the token (dashboard.js). */
    private static final String TOKEN_KEY = "james-pipeline-admin-token";

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.PREFETCH, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, "100")
        .setting(BackpressureSettings.PREFIX + QueueThresholds.DEPTH_ENTER, Integer.toString(DEPTH_ENTER))
        .setting(BackpressureSettings.PREFIX + QueueThresholds.DEPTH_LEAVE, "5")
        .setting(BackpressureSettings.SAMPLE_INTERVAL, "500")
        .editMailetContainer(both(MailetContainerEdits.failBeforeLocalDelivery("poison"),
            MailetContainerEdits.pauseBeforeLocalDelivery("hold")));

    /** Runs before the extension stops James, so a held consumer does not delay the shutdown. */
    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("hold");
    }

    @Test
    void underLoadThePageShowsEveryQueueItsDeadLettersAndWhySmtpRefusesThenFollowsTheDrain() throws Exception {
        String routeQueue = PIPELINE.james().topology().stageQueue("route");
        String alice = "alice@" + DOMAIN;
        String bob = "bob@" + DOMAIN;
        assertThat(PIPELINE.james().smtp().send(alice, "poison", "dead-lettered", bob).code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> queue(state(), routeQueue).path("deadLetters").path("messages").asLong() == 1);
        assertThat(PIPELINE.james().smtp().send(alice, "hold", "holds the only consumer", bob).code()).isEqualTo(250);
        assertThat(PauseOnce.awaitReached("hold", 30)).isTrue();

        try (SmtpLoad load = SmtpLoad.start(PIPELINE.james().smtp(), 4, alice, bob);
             HeadlessChromium chromium = HeadlessChromium.start(1400, 1150)) {
            await().atMost(WAIT).until(() -> "refusing".equals(state().path("backpressure").path("state").asText()));
            ChromeDriver browser = chromium.driver();
            browser.get(PIPELINE.james().webAdminUri(PAGE + "#token=" + PIPELINE.james().webAdminToken())
                .toString());
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            wait.until(page -> "refusing".equals(attribute(page, By.id("backpressure"), "data-state")));
            // Charts draw the history: a backlog line through the snapshots since James started (every 500 ms),
            // growing as the page polls.
            wait.until(page -> points(page, routeQueue) >= 12);

            assertThat(browser.getCurrentUrl()).as("the token is taken out of the address").doesNotContain("token");
            assertThat(browser.executeScript("return sessionStorage.getItem(arguments[0])", TOKEN_KEY))
                .isEqualTo(PIPELINE.james().webAdminToken());
            assertThat(browser.findElement(By.id("status")).getAttribute("data-status")).isEqualTo("live");
            JsonNode state = state();
            for (JsonNode queue : state.path("queues")) {
                String name = queue.path("name").asText();
                assertThat(browser.findElements(By.cssSelector(".queue[data-queue='" + name + "']"))).as(name).hasSize(1);
                assertThat(browser.findElements(By.cssSelector("#dead-letters tr[data-queue='" + name + "']"))).as(name).hasSize(1);
            }
            WebElement route = browser.findElement(By.cssSelector(".queue[data-queue='" + routeQueue + "']"));
            assertThat(route.getAttribute("data-backpressure")).isEqualTo("true");
            assertThat(number(route, "ready")).isGreaterThanOrEqualTo(DEPTH_ENTER);
            assertThat(number(route, "consumers")).isEqualTo(1);
            WebElement reason = browser.findElement(By.cssSelector("#backpressure-reasons li[data-kind='depth']"));
            assertThat(reason.getText()).startsWith("451 4.3.2: ").contains(routeQueue);
            assertThat(deadLetterCount(browser, routeQueue)).isEqualTo("1");

            clickWhenShown(wait, By.cssSelector("#dead-letters tr[data-queue='" + routeQueue + "'] button"));
            WebElement deadLetter = wait.until(page -> first(page, By.cssSelector("#dead-letter-list li")));
            assertThat(deadLetter.getText()).contains(FailOnSubject.REASON);
            // The look took the dead letter for a moment (the broker counts it as unacked); it is back once
            // the look's channel closed.
            wait.until(page -> "1".equals(deadLetterCount(page, routeQueue)));
            chromium.screenshot(SCREENSHOT);
            assertThat(Files.size(SCREENSHOT)).isGreaterThan(20_000);

            load.close();
            assertThat(load.failures()).isEmpty();
            assertThat(load.accepted()).isGreaterThanOrEqualTo(DEPTH_ENTER);
            assertThat(load.tempfailed()).as("SMTP tempfailed while the queue was past its threshold").isPositive();
            assertThat(load.firstTempfail()).startsWith("451 4.3.2");
            PauseOnce.release("hold");
            wait.until(page -> "normal".equals(attribute(page, By.id("backpressure"), "data-state")));
            assertThat(browser.findElements(By.cssSelector("#backpressure-reasons li"))).isEmpty();
        }
    }

    @Test
    void withoutATokenThePageAsksForOneAndSaysWhenWebAdminRefusesIt() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start(1000, 700)) {
            ChromeDriver browser = chromium.driver();
            browser.get(PIPELINE.james().webAdminUri(PAGE).toString());
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            wait.until(page -> page.findElement(By.id("login")).isDisplayed());
            assertThat(browser.findElement(By.id("live")).isDisplayed()).isFalse();

            browser.findElement(By.id("token")).sendKeys("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsImFkbWluIjp0cnVlfQ.");
            browser.findElement(By.cssSelector("#login button")).click();
            wait.until(page -> page.findElement(By.id("login-problem")).isDisplayed());
            assertThat(browser.findElement(By.id("login-problem")).getText()).isEqualTo("WebAdmin refused this token.");
            assertThat(browser.executeScript("return sessionStorage.getItem(arguments[0])", TOKEN_KEY)).isNull();

            browser.findElement(By.id("token")).sendKeys(PIPELINE.james().webAdminToken());
            browser.findElement(By.cssSelector("#login button")).click();
            wait.until(page -> "live".equals(attribute(page, By.id("status"), "data-status")));
            assertThat(browser.findElements(By.cssSelector(".queue"))).isNotEmpty();
        }
    }

    @Test
    void thePageIsPublicCodeWhileItsDataNeedTheAdminToken() throws Exception {
        HttpResponse<String> page = get(PAGE, false);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
            assertThat(policy).contains("script-src 'self'").contains("connect-src 'self'"));
        assertThat(page.body()).contains("/pipeline/dashboard/dashboard.js");
        assertThat(get(PAGE + "/dashboard.js", false).statusCode()).isEqualTo(200);

        assertThat(get(PAGE + "/history", false).statusCode()).isEqualTo(401);
        HttpResponse<String> history = get(PAGE + "/history", true);
        assertThat(history.statusCode()).isEqualTo(200);
        JsonNode snapshots = JSON.readTree(history.body());
        assertThat(snapshots.path("windowMillis").asLong()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(snapshots.path("snapshots")).isNotEmpty();
        assertThat(snapshots.path("snapshots").get(0).has("backpressure")).isTrue();

        for (String elsewhere : List.of("/index.html", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/webadmin.properties",
            "/dashboard.js/../../../conf/jwt_privatekey")) {
            // Jetty refuses a path climbing out of its context (400); anything else is not one of the page's files (404).
            assertThat(get(PAGE + elsewhere, false).statusCode()).as(elsewhere).isIn(400, 404);
        }
    }

    /** A dead letter's reason is whatever its exception said, a sender's header included: shown as text, never run. */
    @Test
    void aDeadLetterReasonCarryingMarkupIsShownAsTextAndNeverRun() throws Exception {
        String outbound = PIPELINE.james().topology().outboundQueue();
        String deadLetterQueue = PIPELINE.james().topology().deadLetterQueue(outbound);
        String hostile = "<img src=x onerror=\"document.title='ran'\"><script>document.title='ran'</script>";
        PIPELINE.tap().publish("", deadLetterQueue, new AMQP.BasicProperties.Builder().messageId("hostile-reason")
            .deliveryMode(2).timestamp(new Date()).headers(Map.of(MessageProperties.DEAD_LETTER_REASON_HEADER, hostile)).build(),
            "{}".getBytes(StandardCharsets.UTF_8));
        try (HeadlessChromium chromium = HeadlessChromium.start(1000, 700)) {
            ChromeDriver browser = chromium.driver();
            browser.get(PIPELINE.james().webAdminUri(PAGE + "#token=" + PIPELINE.james().webAdminToken()).toString());
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            By look = By.cssSelector("#dead-letters tr[data-queue='" + outbound + "'] button");
            clickWhenShown(wait, look);
            WebElement reason = wait.until(page -> first(page, By.cssSelector("#dead-letter-list li")));

            assertThat(reason.getText()).contains(hostile);
            assertThat(browser.findElements(By.cssSelector("#dead-letter-list img, #dead-letter-list script"))).isEmpty();
            assertThat(browser.getTitle()).isEqualTo("James pipeline");
        } finally {
            PIPELINE.tap().drain(deadLetterQueue);
        }
    }

    /** The shipped rules and Grafana dashboard read James's /metrics names: each one they name is there. */
    @Test
    void everyMetricTheShippedAlertsAndDashboardReadIsOneThisJamesExports() throws Exception {
        HttpResponse<String> metrics = get("/metrics", false);
        assertThat(metrics.statusCode()).isEqualTo(200);
        Set<String> exported = metrics.body().lines()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .map(line -> line.split("[{ ]", 2)[0])
            .collect(Collectors.toSet());
        ShippedQueries shipped = ShippedQueries.read();

        assertThat(shipped.names()).hasSizeGreaterThan(5);
        assertThat(exported).containsAll(shipped.names());
        assertThat(shipped.patterns()).hasSizeGreaterThan(5);
        for (JsonNode queue : state().path("queues")) {
            String sanitized = queue.path("name").asText().replaceAll("[^a-zA-Z0-9:_]", "_");
            for (String pattern : shipped.patterns()) {
                if (pattern.startsWith("pipeline_queue_")) {
                    assertThat(exported).as(pattern + " for " + sanitized)
                        .anyMatch(name -> name.matches(pattern) && name.contains("_" + sanitized + "_"));
                } else {
                    assertThat(exported).as(pattern).anyMatch(name -> name.matches(pattern));
                }
            }
        }
    }

    private static UnaryOperator<String> both(UnaryOperator<String> first, UnaryOperator<String> second) {
        return conf -> second.apply(first.apply(conf));
    }

    private static JsonNode state() throws Exception {
        HttpResponse<String> response = PIPELINE.james().webAdmin("GET", "/pipeline/state");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode queue(JsonNode state, String name) {
        for (JsonNode queue : state.path("queues")) {
            if (name.equals(queue.path("name").asText())) {
                return queue;
            }
        }
        throw new AssertionError("no queue " + name + " in " + state);
    }

    private static HttpResponse<String> get(String path, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(PIPELINE.james().webAdminUri(path)).GET();
        if (withToken) {
            request.header("Authorization", WebAdminToken.bearer(PIPELINE.james().webAdminToken()));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String attribute(WebDriver page, By element, String name) {
        List<WebElement> found = page.findElements(element);
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }

    /** The page redraws its tables at every sample: a button found just before a redraw is looked up again. */
    private static void clickWhenShown(WebDriverWait wait, By button) {
        wait.ignoring(StaleElementReferenceException.class).until(page -> {
            WebElement shown = first(page, button);
            if (shown == null) {
                return false;
            }
            shown.click();
            return true;
        });
    }

    private static WebElement first(WebDriver page, By element) {
        List<WebElement> found = page.findElements(element);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The dead-letter count the page's table shows for the queue. */
    private static String deadLetterCount(WebDriver page, String queue) {
        return page.findElement(By.cssSelector("#dead-letters tr[data-queue='" + queue + "'] td.count")).getText();
    }

    /** Points of the queue's backlog line (ready messages) in its chart. */
    private static int points(WebDriver page, String queue) {
        List<WebElement> lines = page.findElements(By.cssSelector(".queue[data-queue='" + queue + "'] svg[data-chart='backlog'] path.ready"));
        return lines.stream().mapToInt(line -> Integer.parseInt(line.getAttribute("data-points"))).sum();
    }

    /** A number as the queue's card shows it ("1,234"). */
    private static long number(WebElement queue, String field) {
        String shown = queue.findElement(By.cssSelector("[data-field='" + field + "'] span:last-child")).getText();
        return Long.parseLong(shown.replace(",", ""));
    }
}
