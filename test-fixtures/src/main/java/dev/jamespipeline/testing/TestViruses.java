package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.dom.Message;

/**
 * What the private clamd ({@link ClamdPeer}) detects with the signature database the tests ship
 * (resources {@code clamav/}): the EICAR test file (an MD5 signature, {@code pipeline-test.hdb}) and a marker
 * string of our own (a body signature, {@code pipeline-test.ndb}). Unofficial databases make clamd append
 * {@code .UNOFFICIAL} to the names it reports.
 */
public final class TestViruses {
    /** The name {@code pipeline-test.hdb} gives the EICAR file's hash. */
    public static final String EICAR = "Eicar-Test-Signature";
    /** The name {@code pipeline-test.ndb} gives {@link #OWN_MARKER}. */
    public static final String OWN_SIGNATURE = "JamesPipeline.Test.Signature";
    /** Text that {@link #OWN_SIGNATURE} matches wherever it appears. */
    public static final String OWN_MARKER = "JAMES-PIPELINE-TEST-SIGNATURE-7f3a9c2e";
    /** What clamd appends to names from a database that is not ClamAV's own. */
    public static final String UNOFFICIAL = ".UNOFFICIAL";

    private TestViruses() {
    }

    /**
     * The 68-byte EICAR anti-virus test file (eicar.org). Joined at run time, so no class file holds it whole
     * for a scanner on a developer's machine to quarantine.
     */
    public static byte[] eicar() {
        String file = String.join("", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!", "$H+H*");
        return file.getBytes(StandardCharsets.US_ASCII);
    }

    /** A multipart message from alice@example.org with a text part and the EICAR file attached (base64). */
    public static byte[] messageWithEicarAttachment(String subject) {
        try {
            Message message = TestMessages.withParts(subject, "Please see the attached program.",
                TestMessages.attachment("eicar.com", "application/octet-stream", eicar()));
            return TestMessages.bytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
