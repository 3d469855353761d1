package dev.jamespipeline.ingest;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * Refuses SMTP AUTH before STARTTLS (538 5.7.11), so no password crosses the network in clear.
 * James 3.8.1's {@code auth.requireSSL} only leaves AUTH out of the EHLO reply before STARTTLS; a
 * client that sends AUTH anyway is authenticated. Put this hook before James's own handlers.
 */
public class AuthRequiresTlsHook implements AuthHook {
    private static final HookResult ENCRYPTION_REQUIRED = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("538")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, "7.11") + " Encryption required: use STARTTLS before AUTH")
        .build();

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        return requireTls(session);
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration saslConfiguration, String initialResponse) {
        return requireTls(session);
    }

    private static HookResult requireTls(SMTPSession session) {
        return session.isTLSStarted() ? HookResult.DECLINED : ENCRYPTION_REQUIRED;
    }
}
