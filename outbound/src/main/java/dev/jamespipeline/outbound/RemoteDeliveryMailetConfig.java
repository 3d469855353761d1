package dev.jamespipeline.outbound;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

/**
 * The outbound settings as the init parameters James's RemoteDelivery mailet would be given, so
 * its {@link RemoteDeliveryConfiguration} makes the javax.mail session properties as it does for
 * RemoteDelivery: opportunistic STARTTLS, partial sends (a result per recipient), the timeouts, the
 * EHLO name (James's default domain unless set).
 */
final class RemoteDeliveryMailetConfig implements MailetConfig {
    private final Map<String, String> parameters = new LinkedHashMap<>();

    private RemoteDeliveryMailetConfig(OutboundSettings settings) {
        parameters.put(RemoteDeliveryConfiguration.START_TLS, "true");
        parameters.put(RemoteDeliveryConfiguration.VERIFY_SERVER_IDENTITY, "false");
        parameters.put(RemoteDeliveryConfiguration.SENDPARTIAL, "true");
        parameters.put(RemoteDeliveryConfiguration.TIMEOUT, Long.toString(settings.smtpTimeout().toMillis()));
        parameters.put(RemoteDeliveryConfiguration.CONNECTIONTIMEOUT, Long.toString(settings.connectTimeout().toMillis()));
        settings.heloName().ifPresent(name -> parameters.put(RemoteDeliveryConfiguration.HELO_NAME, name));
    }

    static RemoteDeliveryConfiguration configuration(OutboundSettings settings, DomainList domains) {
        return new RemoteDeliveryConfiguration(new RemoteDeliveryMailetConfig(settings), domains);
    }

    @Override
    public String getInitParameter(String name) {
        return parameters.get(name);
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        return parameters.keySet().iterator();
    }

    @Override
    public MailetContext getMailetContext() {
        // RemoteDeliveryConfiguration reads only the init parameters; the worker runs outside the mailet container.
        throw new IllegalStateException("RemoteDeliveryConfiguration asked for a mailet context: the outbound worker has none");
    }

    @Override
    public String getMailetName() {
        return "OutboundWorker";
    }
}
