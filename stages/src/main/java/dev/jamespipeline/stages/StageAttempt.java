package dev.jamespipeline.stages;

/**
 * Which attempt of a stage is running.
 *
 * @param failedSoFar attempts of this stage that failed before this one
 * @param last        no retry is left after this one: a failure now dead-letters the mail
 */
public record StageAttempt(int failedSoFar, boolean last) {
    /** A first attempt with retries left (tests, and runs outside the work-queue runtime). */
    public static final StageAttempt FIRST = new StageAttempt(0, false);
}
