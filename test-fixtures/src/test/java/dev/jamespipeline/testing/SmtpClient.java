package dev.jamespipeline.testing;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;

/**
 * The SMTP client James ships (JavaMail's SMTPTransport, as RemoteDelivery uses it), sending one message to a
 * peer on port 25 and reporting the reply code each recipient got.
 */
final class SmtpClient {
    private final Properties properties = new Properties();

    SmtpClient() {
        properties.setProperty("mail.smtp.localhost", "client.test");
        // Deliver to the recipients that were accepted even when others were refused (as RemoteDelivery does).
        properties.setProperty("mail.smtp.sendpartial", "true");
        properties.setProperty("mail.smtp.connectiontimeout", "10000");
        properties.setProperty("mail.smtp.timeout", "10000");
    }

    SmtpClient with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    static MimeMessage message(String from, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setSubject(subject);
        message.setText(body);
        message.saveChanges();
        return message;
    }

    /**
     * Sends {@code message} to {@code recipients} at {@code peer}:25 and returns each recipient's reply code
     * (250 when accepted; the RCPT's code when refused there; the code of MAIL, DATA or "." when the whole
     * transaction was refused).
     */
    Map<String, Integer> send(InetAddress peer, MimeMessage message, String... recipients) throws MessagingException {
        Map<String, Integer> codes = new LinkedHashMap<>();
        Address[] addresses = new Address[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            addresses[i] = new InternetAddress(recipients[i]);
            codes.put(recipients[i], 250);
        }
        SMTPTransport transport = (SMTPTransport) Session.getInstance(properties).getTransport("smtp");
        try {
            transport.connect(peer.getHostAddress(), SmtpSinkPeer.PORT, null, null);
            transport.sendMessage(message, addresses);
        } catch (SendFailedException failed) {
            // Recipients refused at RCPT each come as an SMTPAddressFailedException in the chain.
            for (Exception next = failed.getNextException(); next != null;
                 next = next instanceof MessagingException messaging ? messaging.getNextException() : null) {
                if (next instanceof SMTPAddressFailedException refused) {
                    codes.put(refused.getAddress().getAddress(), refused.getReturnCode());
                }
            }
            // The others not sent were refused as a whole (MAIL, DATA or "."): they get that reply's code.
            List<Address> sent = failed.getValidSentAddresses() == null ? List.of() : List.of(failed.getValidSentAddresses());
            int whole = failed instanceof SMTPSendFailedException transaction ? transaction.getReturnCode() : -1;
            for (Address address : addresses) {
                if (!sent.contains(address)) {
                    codes.computeIfPresent(((InternetAddress) address).getAddress(), (recipient, code) -> code == 250 ? whole : code);
                }
            }
        } finally {
            transport.close();
        }
        return codes;
    }

    /** Connects, reads the EHLO reply and tells whether it offers {@code extension}. */
    boolean offers(InetAddress peer, String extension) throws MessagingException {
        SMTPTransport transport = (SMTPTransport) Session.getInstance(properties).getTransport("smtp");
        try {
            transport.connect(peer.getHostAddress(), SmtpSinkPeer.PORT, null, null);
            return transport.supportsExtension(extension);
        } finally {
            transport.close();
        }
    }
}
