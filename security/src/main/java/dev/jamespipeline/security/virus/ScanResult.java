package dev.jamespipeline.security.virus;
import dev.jamespipeline.security.scanner.ScannerText;

/** What clamd found in a message: nothing, or a signature (its name safe for a header field and an event). */
public sealed interface ScanResult {
    record Clean() implements ScanResult {
    }

    /** @param signature the name clamd reported, through {@link ScannerText#signatureName} */
    record Infected(String signature) implements ScanResult {
    }
}
