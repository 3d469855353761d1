package dev.jamespipeline.ops.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import spark.HaltException;

class RouteErrorsTest {

    @Test
    void limitDefaultsAndStaysWithinItsRange() {
        assertThat(RouteErrors.limit(null, 100, 1000)).isEqualTo(100);
        assertThat(RouteErrors.limit(" ", 100, 1000)).isEqualTo(100);
        assertThat(RouteErrors.limit("1", 100, 1000)).isEqualTo(1);
        assertThat(RouteErrors.limit(" 1000 ", 100, 1000)).isEqualTo(1000);
        for (String bad : new String[] {"0", "-1", "1001", "ten", "1e3", "99999999999"}) {
            assertThatThrownBy(() -> RouteErrors.limit(bad, 100, 1000)).as(bad)
                .isInstanceOf(HaltException.class)
                .satisfies(e -> assertThat(((HaltException) e).statusCode()).isEqualTo(400))
                .satisfies(e -> assertThat(((HaltException) e).body()).contains("limit must be a whole number from 1 to 1000"));
        }
    }

    @Test
    void offsetDefaultsToZeroAndStaysWithinItsRange() {
        assertThat(RouteErrors.offset(null, 10)).isZero();
        assertThat(RouteErrors.offset("", 10)).isZero();
        assertThat(RouteErrors.offset("0", 10)).isZero();
        assertThat(RouteErrors.offset("10", 10)).isEqualTo(10);
        for (String bad : new String[] {"-1", "11", "x", "99999999999"}) {
            assertThatThrownBy(() -> RouteErrors.offset(bad, 10)).as(bad)
                .isInstanceOf(HaltException.class)
                .satisfies(e -> assertThat(((HaltException) e).body()).contains("offset must be a whole number from 0 to 10"));
        }
    }

    @Test
    void aHugeValueIsQuotedShort() {
        String huge = "9".repeat(100_000);

        assertThatThrownBy(() -> RouteErrors.offset(huge, 10))
            .satisfies(e -> assertThat(((HaltException) e).body()).hasSizeLessThan(400).contains("..."));
        assertThatThrownBy(() -> RouteErrors.limit(huge, 1, 10))
            .satisfies(e -> assertThat(((HaltException) e).body()).hasSizeLessThan(400));
    }
}
