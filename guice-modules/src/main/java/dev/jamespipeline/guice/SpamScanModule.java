package dev.jamespipeline.guice;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.security.spam.RspamdClient;
import dev.jamespipeline.security.spam.SpamSettings;

/**
 * The spam stage's settings ({@code security.spam.*} of {@code conf/pipeline.properties}) and its one Rspamd
 * client, shared by the {@code ScanForSpam} and {@code FileSpamInJunk} mailets.
 */
public class SpamScanModule extends AbstractModule {

    @Provides
    @Singleton
    SpamSettings settings(PropertiesProvider properties) throws ConfigurationException {
        try {
            return SpamSettings.from(properties.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            // PipelineModule already warned that the file is missing
            return SpamSettings.from(new BaseConfiguration());
        }
    }

    @Provides
    @Singleton
    RspamdClient rspamdClient(SpamSettings settings) {
        return new RspamdClient(settings);
    }
}
