package dev.jamespipeline.outbound.security.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {

    @Test
    void parsesTheRfcExample() throws Exception {
        MtaStsPolicy policy = MtaStsPolicy.parse(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");

        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policy.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void acceptsBareLineFeedsAndIgnoresUnknownFields() throws Exception {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: testing\nfuture_field: anything at all\nmx: MX.Example.COM.\nmax_age: 0");

        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(policy.mx()).containsExactly("mx.example.com");
        assertThat(policy.maxAge()).isZero();
    }

    @Test
    void modeNoneNeedsNoMx() throws Exception {
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").mode()).isEqualTo(MtaStsPolicy.Mode.NONE);
    }

    @Test
    void cutsAHugeMaxAgeToAYear() throws Exception {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 9999999999\n");

        assertThat(policy.maxAge()).isEqualTo(MtaStsPolicy.MAX_AGE_LIMIT);
    }

    @Test
    void refusesMaxAgesThatAreNotTenDigitsAtMost() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 99999999999999999999\n"))
            .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("max_age");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: -1\n"))
            .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("max_age");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 1e9\n"))
            .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("max_age");
    }

    @Test
    void refusesBadSyntax() {
        assertInvalid("<html><body>Not found</body></html>", "not 'name: value'");
        assertInvalid("mode: enforce\nmx: mx.example.com\nmax_age: 60\n", "no version");
        assertInvalid("version: STSv2\nmode: enforce\nmx: mx.example.com\nmax_age: 60\n", "not STSv1");
        assertInvalid("version: STSv1\nmode: enforcing\nmx: mx.example.com\nmax_age: 60\n", "mode 'enforcing'");
        assertInvalid("version: STSv1\nmode: enforce\nmax_age: 60\n", "no mx");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.example.com\n", "no max_age");
        assertInvalid("version: STSv1\nmode: testing\nmode: enforce\nmx: mx.example.com\nmax_age: 60\n", "more than once");
        assertInvalid("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 60\n", "mx '*.*.example.com'");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.exa mple.com\nmax_age: 60\n", "mx 'mx.exa mple.com'");
        assertInvalid("version: STSv1\nmode: enforce\nmx: com\nmax_age: 60\n", "mx 'com'");
    }

    @Test
    void matchesMxHostsExactlyOrOneLabelBelowAWildcard() throws Exception {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 60\n");

        assertThat(policy.allowsMx("mail.example.com")).isTrue();
        assertThat(policy.allowsMx("MAIL.example.com.")).isTrue();
        assertThat(policy.allowsMx("mx1.example.net")).isTrue();
        assertThat(policy.allowsMx("example.net")).isFalse();
        assertThat(policy.allowsMx("a.mx1.example.net")).isFalse();
        assertThat(policy.allowsMx("other.example.com")).isFalse();
        assertThat(policy.allowsMx("mail.example.com.evil.org")).isFalse();
    }

    private static void assertInvalid(String body, String message) {
        assertThatThrownBy(() -> MtaStsPolicy.parse(body)).isInstanceOf(InvalidPolicyException.class).hasMessageContaining(message);
    }
}
