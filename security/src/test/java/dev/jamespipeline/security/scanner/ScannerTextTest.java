package dev.jamespipeline.security.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScannerTextTest {

    @Test
    void clamavSignatureNamesAreKeptAsTheyAre() {
        assertThat(ScannerText.signatureName("Win.Test.EICAR_HDB-1")).isEqualTo("Win.Test.EICAR_HDB-1");
        assertThat(ScannerText.signatureName("Eicar-Test-Signature.UNOFFICIAL")).isEqualTo("Eicar-Test-Signature.UNOFFICIAL");
        assertThat(ScannerText.signatureName("YARA.rule:a/b+c@d")).isEqualTo("YARA.rule:a/b+c@d");
    }

    @Test
    void aNameCannotForgeAHeaderFieldOrAParameter() {
        String name = ScannerText.signatureName("Evil\r\nX-Virus-Scanned: clean\r\n\r\nbody; virus=clean");

        assertThat(name).doesNotContain("\r", "\n", " ", ";", "=").startsWith("Evil__X-Virus-Scanned:_clean");
    }

    @Test
    void eightBitAndControlCharactersAreReplaced() {
        assertThat(ScannerText.signatureName("Vir\u00e9\u0000us\u202e")).isEqualTo("Vir__us_");
    }

    @Test
    void anOverlongNameIsCut() {
        assertThat(ScannerText.signatureName("A".repeat(10_000))).hasSize(ScannerText.MAX_SIGNATURE_LENGTH);
    }

    @Test
    void aNameOfNothingButForbiddenCharactersIsUnknown() {
        assertThat(ScannerText.signatureName("\r\n \t")).isEqualTo("unknown");
        assertThat(ScannerText.signatureName("")).isEqualTo("unknown");
    }

    @Test
    void reasonsBecomeOnePrintableLineThatCannotCloseItsComment() {
        assertThat(ScannerText.printable("INSTREAM size limit exceeded. ERROR")).isEqualTo("INSTREAM size limit exceeded. ERROR");
        assertThat(ScannerText.printable("bad)\r\nX-Virus-Scanned: clamav (\u00ff;"))
            .isEqualTo("bad X-Virus-Scanned: clamav");
        assertThat(ScannerText.printable("x".repeat(1_000))).hasSize(ScannerText.MAX_REASON_LENGTH + 3).endsWith("...");
        assertThat(ScannerText.printable("\r\n")).isEqualTo("unknown");
        assertThat(ScannerText.printable(null)).isEqualTo("unknown");
    }
}
