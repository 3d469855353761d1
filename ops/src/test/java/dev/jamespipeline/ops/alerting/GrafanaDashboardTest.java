package dev.jamespipeline.ops.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The shipped Grafana dashboard, checked for what Grafana needs to import it and for queries that
 * Prometheus parses and that read series the shipped recording rules write.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("grafana", "pipeline-dashboard.json");
    private static final int GRID_COLUMNS = 24;
    private static final Pattern RECORDED_SERIES = Pattern.compile("pipeline_queue:[a-z_]+");

    private final JsonNode dashboard = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (Exception e) {
            throw new AssertionError("the dashboard is not JSON: " + e.getMessage(), e);
        }
    }

    @Test
    void itIsADashboardGrafanaCanImportWithAPrometheusDataSourceChosenAtImport() {
        assertThat(dashboard.path("uid").asText()).matches("[a-z0-9-]{1,40}");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        JsonNode variables = dashboard.path("templating").path("list");
        assertThat(variable(variables, "datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variable(variables, "datasource").path("query").asText()).isEqualTo("prometheus");
        for (String name : List.of("instance", "queue")) {
            JsonNode variable = variable(variables, name);
            assertThat(variable.path("type").asText()).as(name).isEqualTo("query");
            assertThat(variable.path("datasource").path("uid").asText()).as(name).isEqualTo("${datasource}");
            assertThat(variable.path("allValue").asText()).as(name).isEqualTo(".*");
        }
    }

    @Test
    void panelsHaveUniqueIdsAndFitTheGridWithoutOverlapping() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("id of " + title).isTrue();
            JsonNode grid = panel.path("gridPos");
            int x = grid.path("x").asInt(-1);
            int y = grid.path("y").asInt(-1);
            int w = grid.path("w").asInt();
            int h = grid.path("h").asInt();
            assertThat(x).as(title).isBetween(0, GRID_COLUMNS - 1);
            assertThat(y).as(title).isNotNegative();
            assertThat(w).as(title).isBetween(1, GRID_COLUMNS - x);
            assertThat(h).as(title).isPositive();
            for (int[] other : boxes) {
                boolean apart = x + w <= other[0] || other[0] + other[2] <= x || y + h <= other[1] || other[1] + other[3] <= y;
                assertThat(apart).as(title + " overlaps another panel").isTrue();
            }
            boxes.add(new int[] {x, y, w, h});
        }
        assertThat(ids).hasSizeGreaterThan(10);
    }

    @Test
    void everyPanelQueriesTheChosenPrometheusWithNamedQueries() {
        for (JsonNode panel : dataPanels()) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(refIds.add(target.path("refId").asText())).as("refIds of " + title).isTrue();
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void theQueueSeriesShownAreExactlyTheOnesTheRecordingRulesWrite() throws Exception {
        Set<String> shown = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher series = RECORDED_SERIES.matcher(expr);
            while (series.find()) {
                shown.add(series.group());
            }
        }
        shown.add(RECORDED_SERIES.matcher(variable(dashboard.path("templating").path("list"), "queue")
            .path("definition").asText()).results().findFirst().orElseThrow().group());

        assertThat(shown).containsExactlyInAnyOrderElementsOf(RuleFile.read(Promtool.RULES).recordedNames());
    }

    /** Each query (Grafana's variables given values) as a recording rule: promtool parses them all. */
    @Test
    void prometheusParsesEveryQuery(@TempDir Path dir) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int index = 0;
        for (String expr : expressions()) {
            String concrete = expr.replace("$queue", ".*").replace("$instance", ".*").replace("$__rate_interval", "1m");
            rules.append("      - record: dashboard:query_").append(index++).append('\n')
                .append("        expr: '").append(concrete.replace("'", "''")).append("'\n");
        }
        Files.writeString(dir.resolve("queries.yml"), rules);

        Promtool.Result check = Promtool.run(dir, "check", "rules", "queries.yml");

        assertThat(check.exitCode()).as(check.output() + "\n" + rules).isZero();
        assertThat(check.output()).contains("SUCCESS: " + index + " rules found");
    }

    private List<JsonNode> dataPanels() {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if (!"row".equals(panel.path("type").asText())) {
                panels.add(panel);
            }
        });
        return panels;
    }

    private List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dataPanels()) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }
}
