package dev.jamespipeline.outbound.security;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;

/**
 * Remote delivery's TLS policy and DKIM signer, one of each, from {@code conf/pipeline.properties} (paths in it
 * relative to James's working directory) and James's {@code DNSService}. The delivery worker's module installs it.
 */
public class OutboundSecurityModule extends AbstractModule {

    @Provides
    @Singleton
    OutboundSecuritySettings settings(PropertiesProvider properties, FileSystem fileSystem) throws ConfigurationException, FileNotFoundException {
        try {
            return OutboundSecuritySettings.from(properties.getConfiguration("pipeline"), fileSystem.getBasedir().toPath());
        } catch (FileNotFoundException e) {
            // PipelineModule already warned that the file is missing
            return OutboundSecuritySettings.from(new BaseConfiguration(), fileSystem.getBasedir().toPath());
        }
    }

    @Provides
    @Singleton
    OutboundTlsPolicy tlsPolicy(OutboundSecuritySettings settings, DNSService dns) {
        return OutboundTlsPolicy.create(settings, dns);
    }

    @Provides
    @Singleton
    DkimSigner dkimSigner(OutboundSecuritySettings settings) {
        return new DkimSigner(settings.dkimKeys(), settings.dkimSignedHeaders());
    }
}
