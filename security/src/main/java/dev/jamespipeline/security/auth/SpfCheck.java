package dev.jamespipeline.security.auth;

import java.util.Locale;
import java.util.function.Supplier;

import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.exceptions.SPFErrorConstants;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.wiring.WiringServiceTable;

import com.google.common.base.Suppliers;

/**
 * SPF (RFC 7208) of the client IP for the MAIL FROM and the HELO identities, with jSPF wired as James's own
 * {@code SPF} mailet wires it (synchronous executor), asking {@link AuthenticationDns}.
 */
public final class SpfCheck {
    private final Supplier<SPF> spf;

    public SpfCheck(AuthenticationDns dns) {
        this.spf = Suppliers.memoize(() -> jspf(new DNSServiceXBillImpl(dns.resolver())));
    }

    /** The MAIL FROM identity; for the null sender, {@code postmaster@<helo>} (RFC 7208 section 2.4). */
    public SpfResult mailFrom(String clientIp, String sender, String helo) {
        if (sender.isEmpty()) {
            SpfResult heloResult = helo(clientIp, helo);
            return new SpfResult(heloResult.result(), "postmaster@" + helo, heloResult.domain());
        }
        int at = sender.lastIndexOf('@');
        String domain = at < 0 ? "" : sender.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!isDomainName(domain)) {
            return new SpfResult(SPFErrorConstants.NONE_CONV, sender, "");
        }
        return new SpfResult(spf.get().checkSPF(clientIp, sender, helo).getResult(), sender, domain);
    }

    /** The HELO identity (RFC 7208 section 2.3); an address literal or a bare word has no SPF record: none. */
    public SpfResult helo(String clientIp, String helo) {
        String domain = helo.toLowerCase(Locale.ROOT);
        if (!isDomainName(domain)) {
            return new SpfResult(SPFErrorConstants.NONE_CONV, helo, "");
        }
        // jSPF checks the HELO domain when MAIL FROM is empty.
        return new SpfResult(spf.get().checkSPF(clientIp, "", helo).getResult(), helo, domain);
    }

    /** At least two labels of letters, digits and hyphens (IDNA in A-label form): what DNS can be asked about. */
    static boolean isDomainName(String name) {
        return name.length() <= 253
            && name.matches("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?");
    }

    private static SPF jspf(DNSService dns) {
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        SPF spf = new SPF(dns, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macroExpand,
            new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
        return spf;
    }
}
