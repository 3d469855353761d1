package dev.jamespipeline.core.config;

/** A setting James cannot start with; the message names the key and what it accepts. */
public final class InvalidSettingException extends IllegalArgumentException {
    public InvalidSettingException(String message) {
        super(message);
    }
}
