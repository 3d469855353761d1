package dev.jamespipeline.outbound;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;

/**
 * The outbound worker's objects. {@link OutboundSecurity} is an optional binding defaulting to
 * opportunistic TLS: the TLS policy and DKIM module sets it with {@code OptionalBinder.setBinding()}.
 */
public class OutboundModule extends AbstractModule {

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), OutboundSecurity.class).setDefault().toInstance(OutboundSecurity.OPPORTUNISTIC);
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
