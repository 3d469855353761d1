package dev.jamespipeline.outbound;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.outbound.security.OutboundSecurityModule;

/** The outbound worker's objects, with the TLS policy (configured, MTA-STS) and DKIM signer it delivers with. */
public class OutboundModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new OutboundSecurityModule());
    }

    @Provides
    @Singleton
    OutboundSettings outboundSettings(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return OutboundSettings.from(propertiesProvider.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            return OutboundSettings.from(new BaseConfiguration());
        }
    }
}
