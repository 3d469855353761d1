package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.security.auth.AuthenticationDns.TxtAnswer;

/** DMARC evaluation on given SPF and DKIM results, with the TXT records a test zone would hold. */
class DmarcEvaluatorTest {
    private static final SpfResult SPF_NONE = new SpfResult("none", "", "");
    private static final String MESSAGE = "message-1";

    private final Map<String, List<String>> zone = new HashMap<>();
    private final Set<String> failing = new java.util.HashSet<>();
    private final List<String> asked = new ArrayList<>();
    private final DmarcEvaluator evaluator = new DmarcEvaluator(name -> {
        asked.add(name);
        if (failing.contains(name)) {
            return new TxtAnswer(TxtAnswer.Status.TEMPERROR, List.of(), name + ": timed out");
        }
        List<String> texts = zone.get(name);
        return texts == null ? new TxtAnswer(TxtAnswer.Status.NONE, List.of(), null) : new TxtAnswer(TxtAnswer.Status.FOUND, texts, null);
    });

    private static SpfResult spfPass(String domain) {
        return new SpfResult("pass", "bounce@" + domain, domain);
    }

    private static DkimResult dkim(String result, String domain) {
        return new DkimResult(result, domain, "s1", "");
    }

    @Test
    void relaxedDkimAlignmentAcceptsASubdomainSignatureAndStrictDoesNot() {
        zone.put("_dmarc.relaxed.test", List.of("v=DMARC1; p=reject"));
        zone.put("_dmarc.strict.test", List.of("v=DMARC1; p=reject; adkim=s"));

        assertThat(evaluator.evaluate(List.of("relaxed.test"), SPF_NONE, List.of(dkim("pass", "mail.relaxed.test")), MESSAGE).result())
            .isEqualTo("pass");
        DmarcResult strict = evaluator.evaluate(List.of("strict.test"), SPF_NONE, List.of(dkim("pass", "mail.strict.test")), MESSAGE);
        assertThat(strict.result()).isEqualTo("fail");
        assertThat(strict.disposition()).isEqualTo("reject");
    }

    @Test
    void spfAlignsOnTheMailFromDomainRelaxedOrStrict() {
        zone.put("_dmarc.relaxed.test", List.of("v=DMARC1; p=quarantine"));
        zone.put("_dmarc.strict.test", List.of("v=DMARC1; p=quarantine; aspf=s"));

        assertThat(evaluator.evaluate(List.of("relaxed.test"), spfPass("bounces.relaxed.test"), List.of(), MESSAGE).result())
            .isEqualTo("pass");
        assertThat(evaluator.evaluate(List.of("strict.test"), spfPass("bounces.strict.test"), List.of(), MESSAGE).disposition())
            .isEqualTo("quarantine");
        assertThat(evaluator.evaluate(List.of("strict.test"), spfPass("strict.test"), List.of(), MESSAGE).result())
            .isEqualTo("pass");
    }

    @Test
    void aPassOfAnUnrelatedDomainOrAFailingAlignedCheckIsNoPass() {
        zone.put("_dmarc.bank.test", List.of("v=DMARC1; p=reject"));

        DmarcResult result = evaluator.evaluate(List.of("bank.test"), spfPass("attacker.test"),
            List.of(dkim("pass", "attacker.test"), dkim("fail", "bank.test")), MESSAGE);

        assertThat(result.result()).isEqualTo("fail");
        assertThat(result.disposition()).isEqualTo("reject");
        assertThat(result.fromDomain()).isEqualTo("bank.test");
    }

    @Test
    void aSubdomainWithoutARecordTakesTheOrganisationalDomainsSubdomainPolicy() {
        // co.uk is a public suffix: the organisational domain of a.b.example.co.uk is example.co.uk
        zone.put("_dmarc.example.co.uk", List.of("v=DMARC1; p=none; sp=reject"));

        DmarcResult result = evaluator.evaluate(List.of("a.b.example.co.uk"), SPF_NONE, List.of(), MESSAGE);

        assertThat(asked).containsExactly("_dmarc.a.b.example.co.uk", "_dmarc.example.co.uk");
        assertThat(result.result()).isEqualTo("fail");
        assertThat(result.disposition()).isEqualTo("reject");
        assertThat(result.record().orElseThrow().domain()).isEqualTo("example.co.uk");
        // the organisational domain itself gets p
        assertThat(evaluator.evaluate(List.of("example.co.uk"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("none");
    }

    @Test
    void withoutSpTheSubdomainGetsPAndARecordAtTheSubdomainItselfGetsItsOwnP() {
        zone.put("_dmarc.org.test", List.of("v=DMARC1; p=quarantine"));
        zone.put("_dmarc.own.org.test", List.of("v=DMARC1; p=reject; sp=none"));

        assertThat(evaluator.evaluate(List.of("mail.org.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("quarantine");
        assertThat(evaluator.evaluate(List.of("own.org.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("reject");
    }

    @Test
    void pctZeroAppliesTheNextLessStrictPolicyAndPctHundredThePolicy() {
        zone.put("_dmarc.none-sampled.test", List.of("v=DMARC1; p=reject; pct=0"));
        zone.put("_dmarc.quarantine-none-sampled.test", List.of("v=DMARC1; p=quarantine; pct=0"));
        zone.put("_dmarc.all-sampled.test", List.of("v=DMARC1; p=reject; pct=100"));

        assertThat(evaluator.evaluate(List.of("none-sampled.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("quarantine");
        assertThat(evaluator.evaluate(List.of("quarantine-none-sampled.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("none");
        assertThat(evaluator.evaluate(List.of("all-sampled.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("reject");
    }

    @Test
    void pctSamplingIsDeterministicPerMessageAndNearTheShareAsked() {
        int sampled = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean first = DmarcEvaluator.inSample("message-" + i, 30);
            assertThat(DmarcEvaluator.inSample("message-" + i, 30)).isEqualTo(first);
            sampled += first ? 1 : 0;
        }
        assertThat(sampled).isBetween(2_700, 3_300);
    }

    @Test
    void noFromIsNoneAndAFromWithoutDomainIsPermerror() {
        assertThat(evaluator.evaluate(List.of(), SPF_NONE, List.of(), MESSAGE).result()).isEqualTo("none");
        assertThat(evaluator.evaluate(List.of(""), SPF_NONE, List.of(), MESSAGE).result()).isEqualTo("permerror");
    }

    @Test
    void severalAuthorDomainsAreEachEvaluatedAndTheStrictestFailureDecides() {
        zone.put("_dmarc.signed.test", List.of("v=DMARC1; p=reject"));
        zone.put("_dmarc.bank.test", List.of("v=DMARC1; p=reject"));

        DmarcResult result = evaluator.evaluate(List.of("signed.test", "bank.test"), SPF_NONE,
            List.of(dkim("pass", "signed.test")), MESSAGE);

        assertThat(result.result()).isEqualTo("fail");
        assertThat(result.fromDomain()).isEqualTo("bank.test");
        assertThat(result.disposition()).isEqualTo("reject");
    }

    @Test
    void aDnsFailureOrAnSpfTemperrorIsTemperrorWithNoDisposition() {
        failing.add("_dmarc.down.test");
        zone.put("_dmarc.up.test", List.of("v=DMARC1; p=reject"));

        DmarcResult lookup = evaluator.evaluate(List.of("down.test"), SPF_NONE, List.of(), MESSAGE);
        assertThat(lookup.result()).isEqualTo("temperror");
        assertThat(lookup.disposition()).isEqualTo("none");
        DmarcResult spf = evaluator.evaluate(List.of("up.test"), new SpfResult("temperror", "a@up.test", "up.test"), List.of(), MESSAGE);
        assertThat(spf.result()).isEqualTo("temperror");
        assertThat(spf.disposition()).isEqualTo("none");
    }

    @Test
    void recordsThatAreNotOneValidDmarcRecordApplyNoPolicy() {
        zone.put("_dmarc.two.test", List.of("v=DMARC1; p=reject", "v=DMARC1; p=none"));
        zone.put("_dmarc.other-txt.test", List.of("some verification token", "v=DMARC1; p=reject"));
        zone.put("_dmarc.no-p.test", List.of("v=DMARC1; pct=100"));
        zone.put("_dmarc.no-p-with-rua.test", List.of("v=DMARC1; rua=mailto:reports@no-p-with-rua.test"));
        zone.put("_dmarc.not-first.test", List.of("p=reject; v=DMARC1"));

        assertThat(evaluator.evaluate(List.of("two.test"), SPF_NONE, List.of(), MESSAGE).result()).isEqualTo("none");
        assertThat(evaluator.evaluate(List.of("other-txt.test"), SPF_NONE, List.of(), MESSAGE).disposition()).isEqualTo("reject");
        assertThat(evaluator.evaluate(List.of("no-p.test"), SPF_NONE, List.of(), MESSAGE).result()).isEqualTo("permerror");
        DmarcResult reportsOnly = evaluator.evaluate(List.of("no-p-with-rua.test"), SPF_NONE, List.of(), MESSAGE);
        assertThat(reportsOnly.result()).isEqualTo("fail");
        assertThat(reportsOnly.disposition()).isEqualTo("none");
        assertThat(evaluator.evaluate(List.of("not-first.test"), SPF_NONE, List.of(), MESSAGE).result()).isEqualTo("none");
    }

    @Test
    void badTagValuesTakeTheirDefaults() throws Exception {
        DmarcRecord record = DmarcRecord.parse("x.test", "v=DMARC1; p=Reject; sp=bogus; pct=250; adkim=x; aspf=S; future=1");

        assertThat(record).isEqualTo(new DmarcRecord("x.test", "reject", "reject", 100, "r", "s"));
    }

    @Test
    void organisationalDomainsComeFromThePublicSuffixList() {
        assertThat(OrganizationalDomain.of("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(OrganizationalDomain.of("Example.COM.")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("a.b.example.test")).isEqualTo("example.test");
        assertThat(OrganizationalDomain.of("user.github.io")).isEqualTo("user.github.io");
    }
}
