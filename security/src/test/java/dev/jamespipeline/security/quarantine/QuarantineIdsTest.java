package dev.jamespipeline.security.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.PipelineIds;

class QuarantineIdsTest {
    private static final String PIPELINE_ID = "5f0c2b9e-7d0a-4c35-9a57-0b1f3c2d4e5f";

    @Test
    void aRetriedStageDerivesTheSameIdAndAnotherStageOrReasonAnother() {
        String id = QuarantineIds.of(PIPELINE_ID, "scan-virus", "virus Eicar-Test-Signature");

        assertThat(QuarantineIds.of(PIPELINE_ID, "scan-virus", "virus Eicar-Test-Signature")).isEqualTo(id);
        assertThat(QuarantineIds.of(PIPELINE_ID, "scan-spam", "virus Eicar-Test-Signature")).isNotEqualTo(id);
        assertThat(QuarantineIds.of(PIPELINE_ID, "scan-virus", "virus Other")).isNotEqualTo(id);
        assertThat(QuarantineIds.of("another-pipeline-id", "scan-virus", "virus Eicar-Test-Signature")).isNotEqualTo(id);
    }

    @Test
    void idsAreValidPipelineIdsWhateverTheReason() {
        String hostileReason = "../../etc/passwd\r\n\u0000" + "x".repeat(10_000);
        String id = QuarantineIds.of(PipelineIds.next(), "check", hostileReason);

        assertThat(QuarantineIds.isWellFormed(id)).isTrue();
        assertThat(id).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(128);
    }

    @Test
    void aReleaseDerivesOneIdPerQuarantinedMailApartFromTheOriginal() {
        String first = QuarantineIds.of(PIPELINE_ID, "check", "one");
        String second = QuarantineIds.of(PIPELINE_ID, "check", "two");

        assertThat(QuarantineIds.released(PIPELINE_ID, first)).isEqualTo(QuarantineIds.released(PIPELINE_ID, first))
            .isNotEqualTo(QuarantineIds.released(PIPELINE_ID, second))
            .isNotEqualTo(PIPELINE_ID)
            .isNotEqualTo(first);
        assertThat(PipelineIds.isValid(QuarantineIds.released(PIPELINE_ID, first))).isTrue();
    }

    @Test
    void wellFormedRefusesWhatCannotBeAnId() {
        assertThat(QuarantineIds.isWellFormed(null)).isFalse();
        assertThat(QuarantineIds.isWellFormed("")).isFalse();
        assertThat(QuarantineIds.isWellFormed("../x")).isFalse();
        assertThat(QuarantineIds.isWellFormed("a/b")).isFalse();
        assertThat(QuarantineIds.isWellFormed("-a")).isFalse();
        assertThat(QuarantineIds.isWellFormed("a".repeat(129))).isFalse();
        assertThat(QuarantineIds.isWellFormed("\u2603")).isFalse();
    }
}
