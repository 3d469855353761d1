package dev.jamespipeline.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Java's regex engine stands in for the broker's PCRE: both read a backslash before a symbol as that symbol. */
class QueueLimitPoliciesTest {
    private static final String QUEUE = "a.b*c+d?(e)[f]{2}|g^h$i\\j-k pipeline.stage.route";

    @Test
    void thePatternMatchesItsQueueOnly() {
        Pattern pattern = Pattern.compile(QueueLimitPolicies.exactPattern(QUEUE));

        assertThat(pattern.matcher(QUEUE).matches()).isTrue();
        assertThat(pattern.matcher(QUEUE + ".dlq").find()).isFalse();
        assertThat(pattern.matcher(QUEUE + ".retry.0").find()).isFalse();
        assertThat(pattern.matcher("x" + QUEUE).find()).isFalse();
        assertThat(pattern.matcher(QUEUE.replace('.', 'X')).find()).isFalse();
        assertThat(pattern.matcher("abbbbbcdd(e)f{2}|g^h$i\\j-k pipeline.stage.route").find()).isFalse();
    }

    @Test
    void lettersDigitsAndNonAsciiStayAsTheyAre() {
        assertThat(QueueLimitPolicies.exactPattern("é.q1")).isEqualTo("^é\\.q1$");
    }
}
