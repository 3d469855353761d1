package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * Sets each work queue's limits (max-length, overflow, delivery-limit) as a RabbitMQ policy through the
 * management HTTP API. A queue's x-arguments can never change, a policy can: putting the policy at every
 * declaration makes a changed pipeline.properties take effect at the next start, on a queue full of mail.
 * The user needs the management plugin's {@code policymaker} tag.
 */
public final class QueueLimitPolicies {
    /**
     * One policy applies to a queue, the one of highest priority: ours is above the usual 0 of a
     * catch-all policy an operator may have, so it is not shadowed (and shadows that one on these queues).
     */
    static final int PRIORITY = 10;

    private final ManagementApi api;

    QueueLimitPolicies(URI managementUri, PipelineConfiguration configuration) {
        this.api = new ManagementApi(managementUri, configuration);
    }

    public static String policyName(String queue) {
        return queue + "-limits";
    }

    /** A PCRE (the broker's regex engine) that matches exactly {@code name}: anchored, every ASCII symbol escaped. */
    static String exactPattern(String name) {
        StringBuilder pattern = new StringBuilder("^");
        for (char c : name.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('$').toString();
    }

    /** Puts {@code definition} (policy keys, such as max-length) as the policy of {@code queue} alone. */
    void apply(String queue, Map<String, Object> definition) throws IOException {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("pattern", exactPattern(queue));
        policy.put("apply-to", "queues");
        policy.put("priority", PRIORITY);
        policy.put("definition", definition);
        try {
            api.put("policies/" + api.vhostSegment() + "/" + ManagementApi.segment(policyName(queue)), policy);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("Cannot set RabbitMQ policy " + policyName(queue) + " through "
                + PipelineConfiguration.MANAGEMENT_URI + " (" + api.base() + "): " + e.getMessage()
                + (e.getMessage() != null && e.getMessage().startsWith("HTTP 401") ? "; the user needs the policymaker tag" : ""), e);
        }
    }
}
