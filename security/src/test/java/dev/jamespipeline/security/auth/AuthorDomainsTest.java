package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailets.HeaderFieldEdits;

/** The From domains DMARC evaluates, from headers a sender wrote. */
class AuthorDomainsTest {
    private static List<String> of(String header) throws Exception {
        return AuthorDomains.of(HeaderFieldEdits.readHeader(
            new ByteArrayInputStream((header + "\r\nbody\r\n").getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void oneFromOneDomainLowerCased() throws Exception {
        assertThat(of("From: \"Alice\" <alice@Example.TEST>\r\nSubject: x\r\n")).containsExactly("example.test");
    }

    @Test
    void everyAddressOfEveryFromFieldCounts() throws Exception {
        assertThat(of("From: a@one.test, b@two.test\r\nfrom:\r\n c@three.test\r\n")).containsExactly("one.test", "two.test", "three.test");
    }

    @Test
    void noFromIsNoDomainAndABrokenFromIsAnEmptyOne() throws Exception {
        assertThat(of("Subject: no author\r\n")).isEmpty();
        assertThat(of("From: just a name\r\n")).containsExactly("");
        assertThat(of("From: <alice>\r\n")).containsExactly("");
        assertThat(of("From: \r\n")).containsExactly("");
        assertThat(of("From: \"unclosed <a@x.test>\r\n")).containsExactly("");
    }
}
