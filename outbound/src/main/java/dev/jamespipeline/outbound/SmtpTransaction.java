package dev.jamespipeline.outbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.transport.mailets.remote.delivery.HeloNameProvider;
import org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration;
import org.apache.mailet.HostAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPSenderFailedException;
import com.sun.mail.smtp.SMTPTransport;

import dev.jamespipeline.outbound.security.tls.MxTlsSession;
import dev.jamespipeline.outbound.security.tls.TlsOutcome;

/**
 * One SMTP transaction with one host, for all recipients of one domain, on javax.mail's
 * {@link SMTPTransport} with the session properties James's {@link RemoteDeliveryConfiguration}
 * makes (timeouts, EHLO name, partial sends) as its MailDelivrerToHost does. What MailDelivrerToHost
 * cannot give is added here: the TLS policy's session for this MX (STARTTLS required or not, the
 * certificate checked against the MX name), its TLS outcome, and a result per recipient instead of one
 * for the mail.
 */
final class SmtpTransaction {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpTransaction.class);

    /**
     * One transaction's end: a result per recipient when the host answered for them, or the reason the
     * host could not be used (refused, timed out, broken greeting, TLS required and missing), in which
     * case the next host is tried.
     */
    record Attempt(List<RecipientResult> results, Optional<String> hostFailure, String lastReply, Optional<TlsOutcome> tls) {
        static Attempt hostFailed(String reason, Optional<TlsOutcome> tls) {
            return new Attempt(List.of(), Optional.of(reason), reason, tls);
        }
    }

    private final Properties baseProperties;
    private final HeloNameProvider heloName;

    SmtpTransaction(RemoteDeliveryConfiguration configuration) {
        this.baseProperties = configuration.createFinalJavaxProperties();
        this.heloName = configuration.getHeloNameProvider();
    }

    /** @param tls the TLS policy's session for this host (the connection goes to the address DNS gave, the certificate is checked against the MX name) */
    Attempt send(HostAddress host, String sender, List<String> recipients, MimeMessage message, MxTlsSession tls) {
        String mx = host.getHostName();
        Session session = Session.getInstance(propertiesFor(sender, tls));
        SMTPTransport transport = null;
        try {
            transport = (SMTPTransport) session.getTransport(host);
            transport.setLocalHost(heloName.getHeloName());
            transport.connect();
        } catch (MessagingException e) {
            Optional<TlsOutcome> tlsOutcome = tlsOf(transport, tls);
            close(transport, mx);
            String refusal = tlsOutcome.filter(TlsOutcome::refused)
                .map(outcome -> "; refused by the TLS policy (" + tls.requirement().reason() + "): " + outcome.detail()).orElse("");
            return Attempt.hostFailed("connecting to " + mx + " (" + host.getHost() + "): " + reason(e) + refusal, tlsOutcome);
        }
        Optional<TlsOutcome> tlsOutcome = tlsOf(transport, tls);
        try {
            InternetAddress[] addresses = new InternetAddress[recipients.size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = new InternetAddress(recipients.get(i));
            }
            transport.sendMessage(message, addresses);
            String reply = transport.getLastServerResponse();
            return new Attempt(recipients.stream().map(r -> RecipientResult.ofReply(r, 250, reply, mx)).toList(),
                Optional.empty(), reply, tlsOutcome);
        } catch (SMTPSenderFailedException e) {
            return senderRefused(e.getReturnCode(), e, recipients, mx, tlsOutcome);
        } catch (SMTPSendFailedException e) {
            if (e.getCommand() != null && e.getCommand().startsWith("MAIL")) {
                return senderRefused(e.getReturnCode(), e, recipients, mx, tlsOutcome);
            }
            return perRecipient(e, recipients, mx, tlsOutcome);
        } catch (SendFailedException e) {
            return perRecipient(e, recipients, mx, tlsOutcome);
        } catch (MessagingException e) {
            // The connection broke inside the transaction: nothing was accepted, another host may do better.
            return Attempt.hostFailed("sending to " + mx + ": " + reason(e), tlsOutcome);
        } finally {
            close(transport, mx);
        }
    }

    /** MAIL FROM refused: a 5xx is this message's answer, a 4xx only this host's (the next may take it). */
    private static Attempt senderRefused(int code, MessagingException e, List<String> recipients, String mx, Optional<TlsOutcome> tls) {
        if (code >= 500) {
            return definitive(recipients, code, e.getMessage(), mx, tls);
        }
        return Attempt.hostFailed(mx + " refused the sender: " + reason(e), tls);
    }

    private static Attempt definitive(List<String> recipients, int code, String reply, String mx, Optional<TlsOutcome> tls) {
        return new Attempt(recipients.stream().map(r -> RecipientResult.ofReply(r, code, reply, mx)).toList(),
            Optional.empty(), reply, tls);
    }

    /**
     * javax.mail sorts the recipients into sent, valid but unsent and invalid, and chains one
     * {@link SMTPAddressFailedException} per refused RCPT with its reply; a failed DATA is the
     * exception's own reply and applies to every recipient that was not refused before it.
     */
    private static Attempt perRecipient(SendFailedException e, List<String> recipients, String mx, Optional<TlsOutcome> tls) {
        Map<String, SMTPAddressFailedException> refused = new HashMap<>();
        for (Exception next = e.getNextException(); next instanceof MessagingException chained;
             next = chained.getNextException()) {
            if (chained instanceof SMTPAddressFailedException failed) {
                refused.put(failed.getAddress().getAddress().toLowerCase(Locale.ROOT), failed);
            }
        }
        Optional<SMTPSendFailedException> dataFailure = e instanceof SMTPSendFailedException data
            ? Optional.of(data) : Optional.empty();
        List<String> sent = addresses(e.getValidSentAddresses());
        List<RecipientResult> results = new ArrayList<>();
        for (String recipient : recipients) {
            String key = recipient.toLowerCase(Locale.ROOT);
            SMTPAddressFailedException failed = refused.get(key);
            if (failed != null) {
                results.add(RecipientResult.ofReply(recipient, failed.getReturnCode(), failed.getMessage(), mx));
            } else if (sent.contains(key)) {
                results.add(RecipientResult.ofReply(recipient, 250, "250 accepted", mx));
            } else if (dataFailure.isPresent()) {
                results.add(RecipientResult.ofReply(recipient, dataFailure.get().getReturnCode(), dataFailure.get().getMessage(), mx));
            } else {
                results.add(RecipientResult.local(recipient, RecipientResult.Kind.TEMPFAIL, "4.0.0",
                    mx + " did not take it: " + reason(e), mx));
            }
        }
        return new Attempt(results, Optional.empty(), e.getMessage(), tls);
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> list = new ArrayList<>();
        if (addresses != null) {
            for (Address address : addresses) {
                if (address instanceof InternetAddress internet) {
                    list.add(internet.getAddress().toLowerCase(Locale.ROOT));
                }
            }
        }
        return list;
    }

    private Properties propertiesFor(String sender, MxTlsSession tls) {
        Properties properties = new Properties();
        properties.putAll(baseProperties);
        // javax.mail writes "<>" as the null sender's MAIL FROM.
        properties.put("mail.smtp.from", sender.isEmpty() ? "<>" : sender);
        properties.put("mail.smtp.sendpartial", "true");
        properties.putAll(tls.javaMailProperties());
        return properties;
    }

    /**
     * What TLS did, once the server greeted (a refused or timed-out connection is no TLS outcome: TLS reports
     * must not count it). After EHLO javax.mail knows the extensions, even when the connection then failed.
     */
    private static Optional<TlsOutcome> tlsOf(SMTPTransport transport, MxTlsSession tls) {
        if (transport == null || transport.getLastServerResponse() == null) {
            return Optional.empty();
        }
        return Optional.of(tls.outcome(transport.supportsExtension("STARTTLS")));
    }

    private static void close(SMTPTransport transport, String mx) {
        if (transport == null) {
            return;
        }
        try {
            // A QUIT that fails after the transaction changes nothing: the server's replies are what counted.
            transport.close();
        } catch (MessagingException e) {
            LOGGER.debug("Closing the connection to {} failed: {}", mx, e.getMessage());
        }
    }

    private static String reason(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).trim());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        return text.toString().replaceAll("[\r\n]+", " ");
    }
}
