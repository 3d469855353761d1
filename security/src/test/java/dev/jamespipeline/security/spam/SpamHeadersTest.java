package dev.jamespipeline.security.spam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;

class SpamHeadersTest {

    @Test
    void aScannedMessageGetsScoreStatusAndSymbols() {
        List<String> fields = SpamHeaders.scanned(new SpamCheck(15, 15, "reject", List.of("GTUBE", "MISSING_DATE")));

        assertThat(fields).containsExactly(
            "X-Spam-Score: 15.00",
            "X-Spam-Status: Yes, score=15.00 required=15.00 action=reject",
            "X-Spam-Symbols: GTUBE, MISSING_DATE");
    }

    @Test
    void hamSaysNo() {
        assertThat(SpamHeaders.scanned(new SpamCheck(0.5, 15, "no action", List.of())))
            .contains("X-Spam-Status: No, score=0.50 required=15.00 action=no_action", "X-Spam-Symbols: ");
    }

    @Test
    void manySymbolsAreCutAtWholeNames() {
        List<String> names = IntStream.range(0, 200).mapToObj(i -> "SYMBOL_NUMBER_" + i).toList();

        String symbols = SpamHeaders.symbols(names);

        assertThat(symbols).hasSizeLessThanOrEqualTo(SpamHeaders.MAX_SYMBOLS_CHARS).startsWith("SYMBOL_NUMBER_0, ").endsWith(", ...");
        assertThat(symbols.substring(0, symbols.length() - 5).split(", ")).allMatch(names::contains);
    }

    @Test
    void anUncheckedReasonIsOneBoundedPrintableLine() {
        String reason = "rspamd said (\r\nX-Spam-Status: No\r\n)" + "x".repeat(500);

        String field = SpamHeaders.unchecked(reason).get(0);

        assertThat(field).startsWith("X-Spam-Status: unchecked (rspamd said [ X-Spam-Status: No ]").endsWith("...)")
            .doesNotContain("\r", "\n").hasSizeLessThan(260);
    }

    @Test
    void everySenderSuppliedSpamFieldIsForgedWhateverItsCase() {
        assertThat(SpamHeaders.forged()).accepts(field("X-Spam-Status"), field("x-spam-flag"), field("X-SPAM-Score"), field("X-Spam-Level"))
            .rejects(field("Subject"), field("X-Spammy"), field("X-Mailer"));
    }

    private static RawField field(String name) {
        return new RawField(name, (name + ": value\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
