package dev.jamespipeline.outbound;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * Where transport security and signing plug into the worker (TLS policy, MTA-STS, DKIM: built
 * elsewhere). The worker asks before connecting to each MX host and before sending each message;
 * {@link #OPPORTUNISTIC} is what it does without them.
 */
public interface OutboundSecurity {

    /** Before connecting to {@code mxHost} for {@code domain}: what TLS that connection must have. */
    TlsRequirement beforeConnect(String domain, String mxHost);

    /**
     * Before the message goes to {@code domain}: the message as it must be sent (a DKIM signature
     * added, for example). Returning {@code message} unchanged keeps it byte-exact.
     */
    MimeMessage beforeSend(String senderDomain, String domain, MimeMessage message) throws MessagingException;

    /** STARTTLS whenever the server offers it, without checking its certificate (RFC 7435); messages unchanged. */
    OutboundSecurity OPPORTUNISTIC = new OutboundSecurity() {
        @Override
        public TlsRequirement beforeConnect(String domain, String mxHost) {
            return TlsRequirement.OPPORTUNISTIC;
        }

        @Override
        public MimeMessage beforeSend(String senderDomain, String domain, MimeMessage message) {
            return message;
        }
    };
}
