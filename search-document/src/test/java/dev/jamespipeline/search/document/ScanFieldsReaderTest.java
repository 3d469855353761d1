package dev.jamespipeline.search.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.search.document.MessageDocument.ScanFields;

/**
 * What the index keeps of a message for searching is what James's scan reads. ScanSemanticsIT
 * (search-indexer) compares the answers themselves; these pin the reading down.
 */
class ScanFieldsReaderTest {

    private static ScanFields read(String message, int maxChars) throws IOException {
        return ScanFieldsReader.read(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), maxChars);
    }

    @Test
    void textHoldsEveryFieldOfEveryPartAndEveryDecodedBodyUpperCasedBodyOnlyTheBodies() throws IOException {
        ScanFields scan = read("""
            Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            stra=C3=9Fe
            --b--
            """, 10_000);

        assertThat(scan.text()).startsWith("=?UTF-8?Q?GR=C3=BC=C3=9FE?=MULTIPART/MIXED; BOUNDARY=B")
            .contains("TEXT/PLAIN; CHARSET=UTF-8QUOTED-PRINTABLE").contains("STRAßE");
        assertThat(scan.body()).doesNotContain("MULTIPART").contains("STRAßE");
        assertThat(scan.textComplete()).isTrue();
        assertThat(scan.textFails()).isFalse();
        // Header criteria compare decoded values, upper-cased in Locale.US (ß becomes SS there).
        assertThat(scan.headers()).contains("subject:GRÜSSE");
    }

    @Test
    void textsAreCutAtTheLimitAndSaySo() throws IOException {
        ScanFields scan = read("Subject: s\n\n" + "x".repeat(100) + "\n", 50);

        assertThat(scan.text()).hasSize(50);
        assertThat(scan.textComplete()).isFalse();
        assertThat(scan.textFails()).isFalse();
    }

    @Test
    void aPartInAnUnknownCharsetEndsTheTextsWhereJamesMatcherFails() throws IOException {
        ScanFields scan = read("""
            Content-Type: multipart/mixed; boundary=b

            --b

            before
            --b
            Content-Type: text/plain; charset=x-unknown

            after
            --b--
            """, 10_000);

        assertThat(scan.text()).contains("BEFORE").doesNotContain("AFTER");
        assertThat(scan.textComplete()).isFalse();
        assertThat(scan.textFails()).isTrue();
    }

    @Test
    void withoutABlankLineJamesStoresNoHeaderSection() throws IOException {
        ScanFields scan = read("Subject: only headers\nFrom: a@example.com\n", 10_000);

        assertThat(scan.headers()).isEmpty();
        assertThat(scan.from()).isEmpty();
        assertThat(scan.text()).contains("ONLY HEADERS");
    }

    @Test
    void addressesOfTheFirstFieldAsMime4jFormatsThemThenItsRawValue() throws IOException {
        ScanFields scan = read("""
            From: "Liddell, Alice" <alice@example.com>, Team: b@example.org;
            From: second@example.com
            Date: Sun, 10 Mar 2024 00:30:00 -0330

            body
            """, 10_000);

        assertThat(scan.from()).containsExactly("\"LIDDELL, ALICE\" <ALICE@EXAMPLE.COM>", "B@EXAMPLE.ORG",
            "\"LIDDELL, ALICE\" <ALICE@EXAMPLE.COM>, TEAM: B@EXAMPLE.ORG;");
        assertThat(scan.date()).contains(Instant.parse("2024-03-10T04:00:00Z"));
        assertThat(scan.dateUncertain()).isFalse();
    }

    @Test
    void backslashesAreSwappedForTheIndexAndADateWithAFiveDigitYearIsUncertain() throws IOException {
        ScanFields scan = read("Subject: C:\\dir\\\nDate: 1 Jan 12024 00:00:00 +0000\n\nback\\slash\n", 10_000);

        assertThat(scan.headers()).contains("subject:C:" + ScanFields.BACKSLASH_STAND_IN + "DIR" + ScanFields.BACKSLASH_STAND_IN);
        assertThat(scan.body()).doesNotContain("\\").contains("BACK" + ScanFields.BACKSLASH_STAND_IN + "SLASH");
        assertThat(scan.date()).isEmpty();
        assertThat(scan.dateUncertain()).isTrue();
    }
}
