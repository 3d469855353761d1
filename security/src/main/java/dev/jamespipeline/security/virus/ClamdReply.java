package dev.jamespipeline.security.virus;
import dev.jamespipeline.security.scanner.ScannerText;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

/**
 * Reads clamd's answer to INSTREAM (its terminator removed): {@code stream: OK}, {@code stream: <name> FOUND},
 * or an error ({@code INSTREAM size limit exceeded. ERROR}, {@code <reason> ERROR}). Anything else is no
 * answer: the scan failed, never passed.
 */
final class ClamdReply {
    private static final String PREFIX = "stream: ";
    private static final String FOUND = " FOUND";

    private ClamdReply() {
    }

    static ScanResult parse(String reply) throws ScannerUnavailableException {
        if (reply.equals(PREFIX + "OK")) {
            return new ScanResult.Clean();
        }
        if (reply.startsWith(PREFIX) && reply.endsWith(FOUND) && reply.length() > PREFIX.length() + FOUND.length()) {
            return new ScanResult.Infected(ScannerText.signatureName(
                reply.substring(PREFIX.length(), reply.length() - FOUND.length()).trim()));
        }
        if (reply.endsWith("ERROR")) {
            throw new ScannerUnavailableException("clamd: " + reply);
        }
        throw new ScannerUnavailableException("clamd sent no scan result: " + reply);
    }
}
