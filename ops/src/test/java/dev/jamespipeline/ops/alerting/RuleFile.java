package dev.jamespipeline.ops.alerting;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** A Prometheus rule file as promtool reads it: groups of recording and alerting rules. */
@JsonIgnoreProperties(ignoreUnknown = true)
record RuleFile(List<Group> groups) {
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Group(String name, List<Rule> rules) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rule(String record, String alert, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    record Alert(String name, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    static RuleFile read(Path file) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), RuleFile.class);
    }

    /** The series the recording rules write (pipeline_queue:ready, ...). */
    List<String> recordedNames() {
        return groups.stream().flatMap(group -> group.rules().stream())
            .filter(rule -> rule.record() != null).map(Rule::record).toList();
    }

    List<Alert> alerts() {
        return groups.stream().flatMap(group -> group.rules().stream())
            .filter(rule -> rule.alert() != null)
            .map(rule -> new Alert(rule.alert(), rule.expr(), nonNull(rule.labels()), nonNull(rule.annotations())))
            .toList();
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
