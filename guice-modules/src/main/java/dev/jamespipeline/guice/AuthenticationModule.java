package dev.jamespipeline.guice;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.security.auth.AuthenticationDns;
import dev.jamespipeline.security.auth.AuthenticationResultsField;
import dev.jamespipeline.security.auth.AuthenticationSettings;
import dev.jamespipeline.security.auth.DkimCheck;
import dev.jamespipeline.security.auth.DmarcEvaluator;
import dev.jamespipeline.security.auth.MailAuthenticator;
import dev.jamespipeline.security.auth.SpfCheck;

/**
 * What the authentication stage's {@code CheckAuthentication} mailet needs, one of each, from the
 * {@code security.auth.*} keys of {@code conf/pipeline.properties} and James's DNS service. The quarantine it
 * sends rejected mail to is bound with the quarantine.
 */
public class AuthenticationModule extends AbstractModule {

    @Provides
    @Singleton
    AuthenticationSettings settings(PropertiesProvider properties) throws ConfigurationException {
        try {
            return AuthenticationSettings.from(properties.getConfiguration("pipeline"), AuthenticationModule::hostName);
        } catch (FileNotFoundException e) {
            // PipelineModule already warned that the file is missing
            return AuthenticationSettings.from(new BaseConfiguration(), AuthenticationModule::hostName);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Provides
    @Singleton
    AuthenticationDns dns(AuthenticationSettings settings, DNSService dns) {
        return AuthenticationDns.of(dns, settings.dnsTimeout());
    }

    @Provides
    @Singleton
    MailAuthenticator authenticator(AuthenticationSettings settings, AuthenticationDns dns) {
        return new MailAuthenticator(new SpfCheck(dns), new DkimCheck(dns, settings.dkimMaxSignatures()),
            new DmarcEvaluator(dns::txt));
    }

    @Provides
    @Singleton
    AuthenticationResultsField resultsField(AuthenticationSettings settings) {
        return new AuthenticationResultsField(settings.authservId());
    }
}
