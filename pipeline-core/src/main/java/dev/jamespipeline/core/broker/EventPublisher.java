package dev.jamespipeline.core.broker;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.DmarcResultEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.MailBounced;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.envelope.MailboxChangeEvent;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.envelope.SmtpDeliveryResult;

/**
 * Where every pipeline event becomes an AMQP message: its exchange and routing key, whether a
 * queue must take it, its persistent JSON properties, its kind as the AMQP type (which survives
 * retries and replays, unlike the routing key) and its signature. Each method returns once the
 * broker has confirmed the event.
 */
public final class EventPublisher {
    private final ConfirmedPublisher publisher;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final EnvelopeSigner signer;

    public EventPublisher(ConfirmedPublisher publisher, Topology topology, EnvelopeCodec codec, EnvelopeSigner signer) {
        this.publisher = publisher;
        this.topology = topology;
        this.codec = codec;
        this.signer = signer;
    }

    /** {@code mail.received}: the pipeline took a message; the first stage's queue must hold it. */
    public void received(ReceivedEnvelope envelope) throws PublishException {
        publish(topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY, ReceivedEnvelope.ROUTING_KEY, true,
            envelope.pipelineId(), envelope.receivedAt(), envelope);
    }

    /** A stage hands the message to {@code envelope.stage()}, whose queue must hold it. */
    public void handedOff(ReceivedEnvelope envelope) throws PublishException {
        publish(topology.stagesExchange(), envelope.stage(), ReceivedEnvelope.ROUTING_KEY, true,
            envelope.pipelineId(), envelope.receivedAt(), envelope);
    }

    /**
     * {@code outbound.deliver}: a job for the outbound queue, which must hold it. Mail from the null
     * sender (DSNs and other system mail) goes to the system outbound queue, so a flood of bounces
     * never waits in front of user mail, nor user mail in front of bounces.
     */
    public void outbound(OutboundJob job) throws PublishException {
        publish(topology.outboundJobsExchange(), outboundRoutingKey(job), OutboundJob.ROUTING_KEY, true,
            job.jobId(), job.createdAt(), job, Map.of());
    }

    /**
     * An operator's copy of a waiting outbound job, to be tried now: its attempts so far and its new
     * generation ride in headers, so the copy still waiting in a delay queue is recognised as stale.
     */
    public void outboundCopy(OutboundJob job, int attempts, int generation) throws PublishException {
        publish(topology.outboundJobsExchange(), outboundRoutingKey(job), OutboundJob.ROUTING_KEY, true,
            job.jobId(), job.createdAt(), job,
            Map.of(MessageProperties.ATTEMPT_HEADER, attempts, MessageProperties.GENERATION_HEADER, generation));
    }

    private static String outboundRoutingKey(OutboundJob job) {
        return job.sender().isEmpty() ? OutboundJob.SYSTEM_ROUTING_KEY : OutboundJob.ROUTING_KEY;
    }

    /** {@code mail.bounced}: outbound delivery gave up on recipients; an event for followers, or none. */
    public void bounced(MailBounced bounced) throws PublishException {
        publish(topology.mailEventsExchange(), MailBounced.ROUTING_KEY, MailBounced.ROUTING_KEY, false,
            PipelineIds.derived(bounced.jobId(), "bounced:" + bounced.noticeId()), bounced.bouncedAt(), bounced);
    }

    /** {@code mail.quarantined}: a message kept instead of delivered; an event for followers, or none. */
    public void quarantined(MailQuarantined quarantined) throws PublishException {
        publish(topology.mailEventsExchange(), MailQuarantined.ROUTING_KEY, MailQuarantined.ROUTING_KEY, false,
            quarantined.quarantineId(), quarantined.quarantinedAt(), quarantined);
    }

    /** {@code smtp.delivery.result}: telemetry of one delivery attempt (TLS reporting, dashboards). */
    public void deliveryResult(SmtpDeliveryResult result) throws PublishException {
        publish(topology.telemetryExchange(), SmtpDeliveryResult.ROUTING_KEY, SmtpDeliveryResult.ROUTING_KEY, false,
            PipelineIds.derived(result.jobId(), result.domain() + ":" + result.attempt() + ":" + result.attemptedAt()),
            result.attemptedAt(), result);
    }

    /** {@code dmarc.result}: one message's DMARC evaluation, for the reporting plane; an event, not a job. */
    public void dmarcResult(DmarcResultEvent result) throws PublishException {
        publish(topology.telemetryExchange(), DmarcResultEvent.ROUTING_KEY, DmarcResultEvent.ROUTING_KEY, false,
            PipelineIds.derived(result.pipelineId(), DmarcResultEvent.ROUTING_KEY), result.evaluatedAt(), result);
    }

    /** {@code mail.delivered}: an event, not a job; followers (indexer, harness) bind their own queues, or none. */
    public void delivered(DeliveredEvent delivered) throws PublishException {
        publish(topology.mailEventsExchange(), DeliveredEvent.ROUTING_KEY, DeliveredEvent.ROUTING_KEY, false,
            delivered.messageId(), delivered.deliveredAt(), delivered);
    }

    /** {@code mailbox.*}: an event; without a search indexer nothing is bound, and that is fine. */
    public void mailboxChanged(String eventId, MailboxChangeEvent change) throws PublishException {
        String routingKey = change.kind().routingKey();
        publish(topology.mailEventsExchange(), routingKey, routingKey, false, eventId, change.changedAt(), change);
    }

    private void publish(String exchange, String routingKey, String type, boolean mandatory, String messageId,
                         Instant firstReceived, Object event) throws PublishException {
        publish(exchange, routingKey, type, mandatory, messageId, firstReceived, event, Map.of());
    }

    /** @param extraHeaders added to the standard ones (none for a first publish) */
    private void publish(String exchange, String routingKey, String type, boolean mandatory, String messageId,
                         Instant firstReceived, Object event, Map<String, Object> extraHeaders) throws PublishException {
        byte[] body = codec.encode(event);
        AMQP.BasicProperties standard = MessageProperties.persistentJson(messageId, firstReceived);
        AMQP.BasicProperties.Builder properties = standard.builder().type(type);
        if (!extraHeaders.isEmpty()) {
            Map<String, Object> headers = new HashMap<>(standard.getHeaders());
            headers.putAll(extraHeaders);
            properties.headers(headers);
        }
        publisher.publish(exchange, routingKey, mandatory, signer.sign(properties.build(), body), body);
    }
}
