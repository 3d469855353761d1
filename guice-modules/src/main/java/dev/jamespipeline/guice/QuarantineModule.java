package dev.jamespipeline.guice;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

import dev.jamespipeline.security.quarantine.MailQuarantine;
import dev.jamespipeline.security.quarantine.QuarantineRelease;
import dev.jamespipeline.security.quarantine.QuarantineRepository;
import dev.jamespipeline.security.quarantine.QuarantineSettings;
import dev.jamespipeline.security.quarantine.RepositoryMailQuarantine;

/**
 * The quarantine, one of each for the security stages' mailets and the WebAdmin routes: mail kept in the James
 * mail repository of {@code security.quarantine.repository.url}, its bytes in the pipeline's message store.
 */
public class QuarantineModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(QuarantineRepository.class).in(Scopes.SINGLETON);
        bind(QuarantineRelease.class).in(Scopes.SINGLETON);
        bind(RepositoryMailQuarantine.class).in(Scopes.SINGLETON);
        bind(MailQuarantine.class).to(RepositoryMailQuarantine.class);
    }

    @Provides
    @Singleton
    QuarantineSettings settings(PropertiesProvider properties) throws ConfigurationException {
        try {
            return QuarantineSettings.from(properties.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            // PipelineModule already warned that the file is missing
            return QuarantineSettings.from(new BaseConfiguration());
        }
    }
}
