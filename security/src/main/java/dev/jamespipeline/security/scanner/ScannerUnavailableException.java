package dev.jamespipeline.security.scanner;

/**
 * No scan result could be had: clamd refused or dropped the connection, was too slow, answered with an error
 * ("INSTREAM size limit exceeded", "... ERROR") or with something that is not a reply. The stage retries, then
 * applies its failure policy; never a pass.
 */
public class ScannerUnavailableException extends Exception {
    private final String reason;

    /** @param reason what went wrong, from a scanner's reply or a socket error: made safe for a header field here */
    public ScannerUnavailableException(String reason, Throwable cause) {
        super(ScannerText.printable(reason), cause);
        this.reason = getMessage();
    }

    public ScannerUnavailableException(String reason) {
        this(reason, null);
    }

    /** Printable ASCII, bounded: safe to put in a header field, a log line or an event. */
    public String reason() {
        return reason;
    }
}
