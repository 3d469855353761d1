package dev.jamespipeline.search.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ExtractionLimitsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(ExtractionLimits.DEFAULT).isEqualTo(
            new ExtractionLimits(20L * 1024 * 1024, 1_000_000, Duration.ofSeconds(10), 3, 50, 1_000));
    }

    @Test
    void invalidLimitsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> ExtractionLimits.DEFAULT.withMaxInputBytes(0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxInputBytes must be positive, was 0");
        assertThatThrownBy(() -> ExtractionLimits.DEFAULT.withTimeout(Duration.ofSeconds(-1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("timeout must be positive, was PT-1S");
        assertThatThrownBy(() -> ExtractionLimits.DEFAULT.withTimeout(null))
            .isInstanceOf(NullPointerException.class)
            .hasMessage("timeout must not be null");
        assertThatThrownBy(() -> new ExtractionLimits(1, 1, Duration.ofSeconds(1), -1, 1, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxNestingDepth must be 0 or more, was -1");
        assertThatThrownBy(() -> new ExtractionLimits(1, 0, Duration.ofSeconds(1), 1, 1, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxOutputChars must be positive, was 0");
        assertThatThrownBy(() -> new ExtractionLimits(1, 1, Duration.ofSeconds(1), 1, -2, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxAttachments must be 0 or more, was -2");
        assertThatThrownBy(() -> new ExtractionLimits(1, 1, Duration.ofSeconds(1), 1, 1, -3))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxEmbeddedDocuments must be 0 or more, was -3");
    }
}
