package dev.jamespipeline.outbound;

import java.time.Clock;
import java.util.List;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.outbound.WaitingJobs;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.runtime.WorkQueueRuntime;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.dsn.DeliveryStatusNotices;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;

/**
 * This node's outbound consumers, on a work-queue runtime of their own: {@code outbound.concurrency}
 * consumers of user mail's queue and {@code outbound.system.concurrency} of the system queue (DSNs),
 * each doing one SMTP transaction at a time, all sharing one per-destination limit.
 */
@Singleton
public class OutboundWorkers implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundWorkers.class);

    private final OutboundSettings settings;
    private final WorkQueueRuntime runtime;

    @Inject
    public OutboundWorkers(PipelineConfiguration configuration, OutboundSettings settings, Topology topology,
                           EnvelopeCodec codec, EnvelopeSigner signer, ConfirmedPublisher publisher, EventPublisher events,
                           MessageStore store, DeliveryLedger ledger, DNSService dns, DomainList domains,
                           DeliveryStatusNotices notices, WaitingJobs waiting, OutboundTlsPolicy tls, DkimSigner dkim, Clock clock) {
        this.settings = settings;
        QueuePolicy policy = configuration.outboundPolicy();
        OutboundDelivery delivery = new OutboundDelivery(store, ledger, new MxResolver(dns, settings.smtpPort()),
            new SmtpTransaction(RemoteDeliveryMailetConfig.configuration(settings, domains)),
            new DestinationLimits(settings.destinationConcurrency()), tls, dkim, notices, events, waiting, policy,
            settings.delayWarning(), clock);
        OutboundWorkHandler handler = new OutboundWorkHandler(codec, delivery);
        this.runtime = new WorkQueueRuntime(configuration, topology, "james-pipeline-outbound",
            new FailureRouter(publisher, topology), signer, topology::declare, clock);
        runtime.register(topology.outboundQueue(), policy, handler);
        runtime.register(topology.systemOutboundQueue(), new QueuePolicy(policy.retryDelays(), policy.repeatDelays(),
            policy.uniformDelayQueues(), policy.maxAge(), policy.deliveryLimit(), policy.maxLength(),
            settings.systemConcurrency(), policy.prefetch(), policy.oldestMessageAlarm()), handler);
    }

    /** Starts the consumers, unless {@code outbound.worker.enabled} is false on this node. */
    public void start() {
        if (!settings.enabled()) {
            LOGGER.info("{}=false: this node delivers no outbound mail", OutboundSettings.ENABLED);
            return;
        }
        runtime.start();
    }

    /** The outbound queues as this node runs them; none where the worker is off by configuration. */
    public List<WorkQueueRuntime.QueueState> states() {
        return settings.enabled() ? runtime.states() : List.of();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
