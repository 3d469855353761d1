package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecipientResultTest {

    @Test
    void theReplyClassDecidesTheKindAndTheEnhancedCodeTheStatus() {
        assertThat(RecipientResult.ofReply("Bob@Remote.example", 250, "250 2.0.0 Ok: queued as 4F", "mx1"))
            .isEqualTo(new RecipientResult("bob@remote.example", RecipientResult.Kind.DELIVERED, "2.0.0",
                "smtp; 250 2.0.0 Ok: queued as 4F", "mx1"));
        assertThat(RecipientResult.ofReply("bob@remote.example", 450, "450 4.2.1 Mailbox busy", "mx1").kind())
            .isEqualTo(RecipientResult.Kind.TEMPFAIL);
        RecipientResult unknown = RecipientResult.ofReply("bob@remote.example", 550, "550 5.1.1 <bob@remote.example>: unknown", "mx1");
        assertThat(unknown.kind()).isEqualTo(RecipientResult.Kind.PERMFAIL);
        assertThat(unknown.status()).isEqualTo("5.1.1");
    }

    @Test
    void aReplyWithoutAnEnhancedCodeGetsOneOfItsClassAndAMismatchedOneIsNotTrusted() {
        assertThat(RecipientResult.ofReply("a@b.example", 554, "554 no", "").status()).isEqualTo("5.0.0");
        assertThat(RecipientResult.ofReply("a@b.example", 421, "421 closing", "").status()).isEqualTo("4.0.0");
        assertThat(RecipientResult.ofReply("a@b.example", 451, "451 2.0.0 odd server", "").status()).isEqualTo("4.0.0");
    }

    /** A hostile server's reply must not add lines (fields) to the DSN that quotes it. */
    @Test
    void aMultiLineReplyBecomesOneLine() {
        RecipientResult result = RecipientResult.ofReply("a@b.example", 550, "550-5.7.1 first\r\nFinal-Recipient: rfc822; x@evil\r\n550 5.7.1 end", "");

        assertThat(result.diagnostic()).doesNotContain("\r").doesNotContain("\n").startsWith("smtp; 550-5.7.1 first");
        assertThat(result.status()).isEqualTo("5.7.1");
    }
}
