package dev.jamespipeline.search.document;

import java.util.Objects;
import java.util.Optional;

/**
 * What extracting one attachment gave: its text, or empty text and why.
 *
 * @param text          the extracted text; empty when extraction failed
 * @param truncation    why the text is incomplete although extraction succeeded (a limit cut it)
 * @param failureReason why there is no text (too large, encrypted, corrupt, timed out, ...)
 */
public record ExtractionResult(String text, Optional<String> truncation, Optional<String> failureReason) {

    public ExtractionResult {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(truncation, "truncation");
        Objects.requireNonNull(failureReason, "failureReason");
    }

    public static ExtractionResult complete(String text) {
        return new ExtractionResult(text, Optional.empty(), Optional.empty());
    }

    public static ExtractionResult truncated(String text, String why) {
        return new ExtractionResult(text, Optional.of(why), Optional.empty());
    }

    public static ExtractionResult failed(String reason) {
        return new ExtractionResult("", Optional.empty(), Optional.of(reason));
    }
}
