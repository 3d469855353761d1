package dev.jamespipeline.outbound.security.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class MtaStsRecordTest {

    @Test
    void readsTheIdOfTheOneStsRecordAmongOthers() {
        assertThat(MtaStsRecord.policyId(List.of("\"v=spf1 -all\"", "\"v=STSv1; id=20260101T000000;\"")))
            .contains("20260101T000000");
    }

    @Test
    void joinsTheStringsOfOneRecordWithoutSpaces() {
        // DNSJavaService.findTXTRecords gives the presentation format: "v=STSv1; i" "d=abc"
        assertThat(MtaStsRecord.policyId(List.of("\"v=STSv1; i\" \"d=abc\""))).contains("abc");
    }

    @Test
    void acceptsBlanksAroundSeparatorsAndExtensionFields() {
        assertThat(MtaStsRecord.parse("v=STSv1 ;  id = A1 ; ext_1=value")).contains("A1");
        assertThat(MtaStsRecord.parse("v=STSv1; id=A1")).contains("A1");
    }

    @Test
    void treatsTwoStsRecordsAsNoPolicy() {
        assertThat(MtaStsRecord.policyId(List.of("\"v=STSv1; id=a;\"", "\"v=STSv1; id=b;\""))).isEmpty();
    }

    @Test
    void refusesRecordsThatDoNotFollowTheGrammar() {
        assertThat(MtaStsRecord.policyId(List.of("\"v=STSv2; id=a;\""))).isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1;")).as("no id").isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1; id=")).as("empty id").isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1; id=" + "a".repeat(33))).as("33-character id").isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1; id=ab-cd")).as("id with a hyphen").isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1; id=a; id=b")).as("two ids").isEmpty();
        assertThat(MtaStsRecord.parse("v=STSv1; id=a; garbage")).as("a field without =").isEmpty();
        assertThat(MtaStsRecord.parse("id=a; v=STSv1")).as("version not first").isEmpty();
    }

    @Test
    void ignoresRecordsNotStartingWithTheVersion() {
        assertThat(MtaStsRecord.policyId(List.of("\" v=STSv1; id=a;\""))).isEmpty();
        assertThat(MtaStsRecord.policyId(List.of())).isEmpty();
    }
}
