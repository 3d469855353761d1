package dev.jamespipeline.security.virus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

class ClamdReplyTest {

    @Test
    void okIsClean() throws Exception {
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void foundNamesTheSignature() throws Exception {
        assertThat(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1 FOUND")).isEqualTo(new ScanResult.Infected("Win.Test.EICAR_HDB-1"));
    }

    @Test
    void aSignatureNameWithLineBreaksIsStillAVirusButCannotForgeAField() throws Exception {
        ScanResult result = ClamdReply.parse("stream: Evil\r\nX-Virus-Scanned: clamav FOUND");

        assertThat(result).isInstanceOf(ScanResult.Infected.class);
        assertThat(((ScanResult.Infected) result).signature()).doesNotContain("\r", "\n", " ");
    }

    @Test
    void theSizeLimitIsAFailureWithItsReason() {
        assertThatThrownBy(() -> ClamdReply.parse("INSTREAM size limit exceeded. ERROR"))
            .isInstanceOf(ScannerUnavailableException.class)
            .hasMessage("clamd: INSTREAM size limit exceeded. ERROR");
    }

    @Test
    void anErrorIsAFailure() {
        assertThatThrownBy(() -> ClamdReply.parse("stream: Can't allocate memory ERROR"))
            .isInstanceOf(ScannerUnavailableException.class)
            .hasMessageContaining("Can't allocate memory ERROR");
    }

    @Test
    void anythingElseIsNoResultNeverAPass() {
        for (String reply : new String[] {"", "OK", "stream:OK", "stream: OK ", "stream: ok", "stream: FOUND",
            "PONG", "stream: OK\nstream: OK", "\u0000", "stream: OK trailing"}) {
            assertThatThrownBy(() -> ClamdReply.parse(reply)).as(reply)
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageStartingWith("clamd sent no scan result");
        }
    }
}
