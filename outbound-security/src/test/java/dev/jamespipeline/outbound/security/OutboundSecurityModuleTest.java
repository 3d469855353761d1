package dev.jamespipeline.outbound.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;

import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;

import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.outbound.security.testing.JamesDns;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;
import dev.jamespipeline.outbound.security.tls.TlsPolicy;
import dev.jamespipeline.testing.TestDns;

class OutboundSecurityModuleTest {

    /** As James starts it: conf/pipeline.properties through James's loader, key paths relative to the working directory. */
    @Test
    void readsPipelinePropertiesFromJamesConfiguration(@TempDir Path workingDirectory) throws Exception {
        Files.createDirectories(workingDirectory.resolve("conf/dkim"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        try (Writer out = Files.newBufferedWriter(workingDirectory.resolve("conf/dkim/example.com.s1.pem"));
             JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(generator.generateKeyPair());
        }
        Files.writeString(workingDirectory.resolve("conf/pipeline.properties"),
            "outbound.tls.required.domains=bank.example\n"
                + "outbound.tls.mta-sts=disabled\n"
                + "outbound.dkim.keys=example.com:s1:conf/dkim/example.com.s1.pem\n");
        MemoryJamesConfiguration james = MemoryJamesConfiguration.builder().workingDirectory(workingDirectory.toFile()).build();
        FileSystem fileSystem = new FileSystemImpl(james.directories());

        try (TestDns dns = TestDns.builder().start()) {
            Injector injector = Guice.createInjector(new OutboundSecurityModule(), new AbstractModule() {
                @Override
                protected void configure() {
                    bind(FileSystem.class).toInstance(fileSystem);
                    bind(PropertiesProvider.class).toInstance(new PropertiesProvider(fileSystem, james.configurationPath()));
                    bind(DNSService.class).toInstance(JamesDns.pointingAt(dns));
                }
            });

            assertThat(injector.getInstance(DkimSigner.class).hasKeys()).isTrue();
            try (OutboundTlsPolicy tls = injector.getInstance(OutboundTlsPolicy.class)) {
                assertThat(tls.requirementFor("bank.example", "mx.bank.example").policy()).isEqualTo(TlsPolicy.REQUIRED);
                assertThat(tls.requirementFor("other.example", "mx.other.example").policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
            }
        }
    }
}
