package dev.jamespipeline.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;

/** Messages written by mime4j's builders, as the bytes a mailbox stores. */
public final class TestMessages {

    private TestMessages() {
    }

    public static byte[] bytes(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new DefaultMessageWriter().writeMessage(message, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static BodyPartBuilder attachment(String fileName, String mimeType, byte[] content) throws IOException {
        return BodyPartBuilder.create()
            .setBody(content, mimeType)
            .setContentTransferEncoding("base64")
            .setContentDisposition("attachment", fileName);
    }

    public static BodyPartBuilder attachedMessage(String fileName, Message message) {
        return BodyPartBuilder.create()
            .setBody(message)
            .setContentType("message/rfc822")
            .setContentDisposition("attachment", fileName);
    }

    /** A message with a text body followed by the given parts. */
    public static Message withParts(String subject, String bodyText, BodyPartBuilder... parts) throws IOException {
        MultipartBuilder multipart = MultipartBuilder.create("mixed").addTextPart(bodyText, StandardCharsets.UTF_8);
        for (BodyPartBuilder part : parts) {
            multipart.addBodyPart(part);
        }
        return Message.Builder.of()
            .setFrom(new Mailbox("alice", "example.org"))
            .setTo(new Mailbox("bob", "example.com"))
            .setSubject(subject)
            .setBody(multipart.build())
            .build();
    }
}
