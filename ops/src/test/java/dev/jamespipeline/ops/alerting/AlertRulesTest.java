package dev.jamespipeline.ops.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Prometheus rules, checked and unit-tested by promtool itself. */
class AlertRulesTest {
    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Promtool.Result check = Promtool.run(Promtool.RULES_DIR, "check", "rules", Promtool.RULES.getFileName().toString());

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertBehavesAsItsUnitTestsSay() throws Exception {
        Promtool.Result test = Promtool.run(Promtool.RULES_DIR, "test", "rules", "pipeline-alerts.test.yml");

        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    /** The check is not a rubber stamp: a broken expression is refused. */
    @Test
    void promtoolRefusesABrokenExpression(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, Files.readString(Promtool.RULES)
            .replace("pipeline_backpressure_state == 2", "pipeline_backpressure_state == == 2"));

        Promtool.Result check = Promtool.run(dir, "check", "rules", "broken.yml");

        assertThat(check.exitCode()).isNotZero();
        assertThat(check.output()).contains("parse error");
    }

    @Test
    void everyAlertHasASeverityASummaryAndAOneLineRunbook() throws Exception {
        for (RuleFile.Alert alert : RuleFile.read(Promtool.RULES).alerts()) {
            assertThat(alert.labels()).as(alert.name()).containsKey("severity");
            assertThat(alert.labels().get("severity")).as(alert.name()).isIn("warning", "critical");
            assertThat(alert.annotations().get("summary")).as(alert.name()).isNotBlank();
            assertThat(alert.annotations().get("runbook")).as(alert.name()).isNotBlank().doesNotContain("\n");
        }
    }
}
