package dev.jamespipeline.it;

import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.OutboundJob;

/** Reads the outbound queue of a James whose outbound worker is off ({@link #WORKER_ENABLED} false, the tests' default). */
final class OutboundJobs {
    static final String WORKER_ENABLED = "outbound.worker.enabled";
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private OutboundJobs() {
    }

    /** Takes every job waiting in the outbound queue. */
    static List<OutboundJob> take(BrokerTap tap, PipelineJames james) throws Exception {
        List<OutboundJob> jobs = new ArrayList<>();
        for (GetResponse response : tap.drain(james.topology().outboundQueue())) {
            try {
                jobs.add(CODEC.decodeOutbound(response.getBody()));
            } catch (InvalidEnvelopeException e) {
                throw new AssertionError("malformed outbound job: " + e.getMessage(), e);
            }
        }
        return jobs;
    }
}
