package dev.jamespipeline.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The PromQL the repository ships (ops/prometheus rules, ops/grafana dashboard), and the James metric
 * names it reads: bare names, and {@code __name__=~"..."} patterns.
 */
final class ShippedQueries {
    private static final Pattern NAME_PATTERN = Pattern.compile("__name__\\s*=~\\s*[\"']([^\"']+)[\"']");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'");
    /** A metric name of ours; a recorded series (pipeline_queue:ready) is not one James exports. */
    private static final Pattern BARE_NAME = Pattern.compile("(?<![a-zA-Z0-9_:])pipeline_[a-z0-9_]+(?![a-z0-9_:(])");

    private final List<String> expressions;

    private ShippedQueries(List<String> expressions) {
        this.expressions = expressions;
    }

    static ShippedQueries read() throws IOException {
        Path ops = Path.of(System.getProperty("pipeline.project.dir"), "ops");
        List<String> expressions = new ArrayList<>();
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ops.resolve("prometheus/pipeline-alerts.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asText()));
        }
        JsonNode dashboard = new ObjectMapper().readTree(ops.resolve("grafana/pipeline-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return new ShippedQueries(expressions);
    }

    Set<String> patterns() {
        Set<String> patterns = new TreeSet<>();
        for (String expression : expressions) {
            NAME_PATTERN.matcher(expression).results().forEach(found -> patterns.add(found.group(1)));
        }
        return patterns;
    }

    Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            Matcher name = BARE_NAME.matcher(QUOTED.matcher(expression).replaceAll("\"\""));
            while (name.find()) {
                names.add(name.group());
            }
        }
        return names;
    }
}
