package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.commons.net.imap.IMAPSClient;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped security defaults (README, "Security defaults") as a client meets them: WebAdmin needs
 * the admin token, IMAP LOGIN needs STARTTLS, submission checks the sender. The size and connection
 * limits are shipped large; here they are made small (global SMTP 1 KB, submission 2 connections).
 */
class SecurityDefaultsIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final int SUBMISSION_CONNECTION_LIMIT = 2;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .editConf("imapserver.xml", UnaryOperator.identity())
        .editConf("smtpserver.xml", SecurityDefaultsIT::smallLimits);

    /** Global SMTP server: 1 KB messages. Submission server: two connections at once. */
    private static String smallLimits(String smtpServerXml) {
        int submission = smtpServerXml.indexOf("smtpserver-submission");
        String global = smtpServerXml.substring(0, submission)
            .replace("<maxmessagesize>51200</maxmessagesize>", "<maxmessagesize>1</maxmessagesize>");
        String submissionServer = smtpServerXml.substring(submission)
            .replace("<connectionLimit>500</connectionLimit>",
                "<connectionLimit>" + SUBMISSION_CONNECTION_LIMIT + "</connectionLimit>");
        return global + submissionServer;
    }

    @Test
    void webAdminAnswers401WithoutTheAdminTokenAnd200WithIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder domains = HttpRequest.newBuilder(PIPELINE.james().webAdminUri("/domains"));

        HttpResponse<String> anonymous = http.send(domains.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> admin = http.send(domains.header("Authorization", WebAdminToken.bearer(PIPELINE.james().webAdminToken()))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains(DOMAIN);
    }

    @Test
    void imapRefusesLoginBeforeStartTlsAndAcceptsItAfter() throws Exception {
        IMAPSClient client = new IMAPSClient(false);
        client.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", PIPELINE.james().imapPort());
        try {
            boolean plainLogin = client.login(BOB, PipelineJames.PASSWORD);
            String plainReply = client.getReplyString();
            assertThat(client.execTLS()).isTrue();
            boolean tlsLogin = client.login(BOB, PipelineJames.PASSWORD);

            assertThat(plainLogin).as(plainReply).isFalse();
            assertThat(tlsLogin).as(client.getReplyString()).isTrue();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void submissionRefusesMailFromAnotherUserThanTheAuthenticatedOne() throws Exception {
        AuthenticatingSMTPClient client = authenticatedSubmission(BOB);
        try {
            int asAlice = client.mail("<" + ALICE + ">");
            client.rset();
            int asBob = client.mail("<" + BOB + ">");

            assertThat(asAlice).as(client.getReplyString()).isEqualTo(503);
            assertThat(asBob).isEqualTo(250);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void submissionRefusesAuthBeforeStartTls() throws Exception {
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient();
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", PIPELINE.james().submissionPort());
        try {
            client.ehlo("test-client.local");
            boolean plainAuth = client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, BOB, PipelineJames.PASSWORD);

            assertThat(plainAuth).as(client.getReplyString()).isFalse();
            assertThat(client.getReplyCode()).isEqualTo(538);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsAnswered552AndNotStored() throws Exception {
        String large = "x".repeat(76) + "\r\n";
        SmtpReply over = PIPELINE.james().smtp().send(ALICE, "too large", large.repeat(30), BOB);

        assertThat(over.code()).as(over.text()).isEqualTo(552);
        assertThat(PIPELINE.james().storedMessageCount()).isZero();
        assertThat(PIPELINE.james().smtp().send(ALICE, "small", "fits", BOB).code()).isEqualTo(250);
    }

    @Test
    void theSubmissionServerClosesTheConnectionOverItsLimit() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            // Connections the other tests closed may not be counted out yet: wait until the limit's worth is greeted.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                closeAll(open);
                for (int i = 0; i < SUBMISSION_CONNECTION_LIMIT; i++) {
                    open.add(new Socket("127.0.0.1", PIPELINE.james().submissionPort()));
                }
                return open.stream().allMatch(SecurityDefaultsIT::greeted);
            });

            try (Socket overTheLimit = new Socket("127.0.0.1", PIPELINE.james().submissionPort())) {
                assertThat(greeted(overTheLimit)).isFalse();
            }
        } finally {
            closeAll(open);
        }
    }

    private static AuthenticatingSMTPClient authenticatedSubmission(String user) throws Exception {
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient();
        client.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", PIPELINE.james().submissionPort());
        client.ehlo("test-client.local");
        assertThat(client.execTLS()).as(client.getReplyString()).isTrue();
        client.ehlo("test-client.local");
        assertThat(client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user, PipelineJames.PASSWORD))
            .as(client.getReplyString()).isTrue();
        return client;
    }

    /** The server's first line is its 220 greeting; a connection over the limit is closed before it. */
    private static boolean greeted(Socket socket) {
        try {
            socket.setSoTimeout(30_000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return line != null && line.startsWith("220");
        } catch (IOException closed) {
            return false;
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }
}
