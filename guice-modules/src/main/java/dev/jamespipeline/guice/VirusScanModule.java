package dev.jamespipeline.guice;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.security.virus.ClamdClient;
import dev.jamespipeline.security.virus.VirusSettings;

/**
 * The antivirus stage's settings ({@code security.virus.*} of {@code conf/pipeline.properties}) and its clamd
 * client, one of each, for the {@code ScanForViruses} mailet (the "virus" stage's processor).
 */
public class VirusScanModule extends AbstractModule {

    @Provides
    @Singleton
    VirusSettings settings(PropertiesProvider properties) throws ConfigurationException {
        try {
            return VirusSettings.from(properties.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            // PipelineModule already warned that the file is missing
            return VirusSettings.from(new BaseConfiguration());
        }
    }

    @Provides
    @Singleton
    ClamdClient clamd(VirusSettings settings) {
        return new ClamdClient(settings);
    }
}
