package dev.jamespipeline.security.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

/**
 * Rspamd's HTTP API ({@code POST /checkv2} on the normal worker): the raw message streamed as the body, the
 * envelope as request headers, the JSON reply read into a {@link SpamCheck}. Whatever goes wrong (refused,
 * no reply within the request timeout, an HTTP error, a reply larger than {@link #MAX_REPLY_BYTES} or not
 * shaped like Rspamd's) is one {@link ScannerUnavailableException} with the reason.
 */
public class RspamdClient {
    /** Rspamd's reply is a few kilobytes (symbols and their options); more is not a reply of Rspamd's. */
    static final int MAX_REPLY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI checkUri;
    private final SpamSettings settings;
    private final HttpClient http;

    public RspamdClient(SpamSettings settings) {
        this.settings = settings;
        this.checkUri = settings.rspamdUrl().resolve("/checkv2");
        this.http = HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // Plain HTTP/1.1: no h2c upgrade attempt on Rspamd's own HTTP server.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /** The envelope Rspamd weighs with the message (SPF, HELO and IP rules, per-user settings). */
    public record ScanEnvelope(String queueId, String clientIp, String helo, String mailFrom, List<String> recipients,
                               String authUser) {
    }

    /** The message's bytes, opened once per attempt, and their exact count (sent as Content-Length). */
    public interface MessageBytes {
        InputStream open() throws IOException;

        long size();
    }

    public SpamCheck check(ScanEnvelope envelope, MessageBytes message) throws ScannerUnavailableException {
        HttpRequest request = request(envelope, message);
        CompletableFuture<HttpResponse<byte[]>> reply = http.sendAsync(request, response -> limitedBody());
        try {
            HttpResponse<byte[]> response = reply.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new ScannerUnavailableException("rspamd answered HTTP " + response.statusCode());
            }
            return parse(response.body());
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new ScannerUnavailableException("rspamd gave no complete reply within " + settings.requestTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
            throw new ScannerUnavailableException("rspamd at " + checkUri + ": " + describe(cause), cause);
        } catch (InterruptedException e) {
            reply.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScannerUnavailableException("interrupted while waiting for rspamd", e);
        }
    }

    private HttpRequest request(ScanEnvelope envelope, MessageBytes message) {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> {
                try {
                    return message.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }), message.size());
        HttpRequest.Builder builder = HttpRequest.newBuilder(checkUri)
            .timeout(settings.requestTimeout())
            .POST(body);
        header(builder, "Queue-Id", envelope.queueId());
        header(builder, "IP", envelope.clientIp());
        header(builder, "Helo", envelope.helo());
        header(builder, "From", envelope.mailFrom());
        header(builder, "User", envelope.authUser());
        for (String recipient : envelope.recipients()) {
            header(builder, "Rcpt", recipient);
        }
        return builder.build();
    }

    /**
     * Envelope values come from SMTP clients: anything but printable ASCII (line breaks above all, which would
     * forge request headers; the JDK refuses them anyway) becomes '?'.
     */
    private static void header(HttpRequest.Builder builder, String name, String value) {
        if (value != null && !value.isEmpty()) {
            builder.header(name, value.replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    private static HttpResponse.BodySubscriber<byte[]> limitedBody() {
        return new LimitedBody();
    }

    static SpamCheck parse(byte[] reply) throws ScannerUnavailableException {
        JsonNode root;
        try {
            root = JSON.readTree(reply);
        } catch (IOException e) {
            throw new ScannerUnavailableException("rspamd's reply is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ScannerUnavailableException("rspamd's reply is not a JSON object");
        }
        double score = number(root, "score");
        double required = number(root, "required_score");
        JsonNode action = root.get("action");
        if (action == null || !action.isTextual() || !action.textValue().matches("[a-z ]{1,32}")) {
            throw new ScannerUnavailableException("rspamd's reply has no valid action");
        }
        return new SpamCheck(score, required, action.textValue(), symbols(root.get("symbols")));
    }

    private static double number(JsonNode root, String field) throws ScannerUnavailableException {
        JsonNode node = root.get(field);
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw new ScannerUnavailableException("rspamd's reply has no numeric " + field);
        }
        return node.doubleValue();
    }

    /** The symbols' names, highest score first; a name that is not one of Rspamd's makes the reply invalid. */
    private static List<String> symbols(JsonNode symbols) throws ScannerUnavailableException {
        if (symbols == null) {
            return List.of();
        }
        if (!symbols.isObject()) {
            throw new ScannerUnavailableException("rspamd's reply has symbols that are not an object");
        }
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = symbols.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().matches("[A-Za-z0-9_.:-]{1,128}")) {
                throw new ScannerUnavailableException("rspamd's reply has an invalid symbol name");
            }
            JsonNode symbolScore = field.getValue().get("score");
            scored.add(Map.entry(field.getKey(), symbolScore != null && symbolScore.isNumber() ? symbolScore.doubleValue() : 0.0));
        }
        return scored.stream()
            .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey)
            .toList();
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " " + firstLine(message));
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Collects the reply body, failing once it passes {@link #MAX_REPLY_BYTES} (the rest is not read). */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_REPLY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("reply larger than " + MAX_REPLY_BYTES + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
