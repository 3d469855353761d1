package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Each module's configuration sample is what james-conf runs, so the README's drop-in steps cannot drift from it. */
class ConfSamplesTest {
    private static final Path JAMES_CONF = ConfSamples.projectDir().resolve("james-conf");

    @Test
    void everyModuleThatNeedsConfigurationHasItsSample() throws Exception {
        assertThat(ConfSamples.all()).extracting(path -> ConfSamples.projectDir().relativize(path).toString())
            .containsExactlyInAnyOrder(
                "pipeline-core/src/main/conf-sample/pipeline.properties",
                "pipeline-core/src/main/conf-sample/logback.xml",
                "smtp-ingest/src/main/conf-sample/smtpserver.xml",
                "mailets/src/main/conf-sample/mailetcontainer.xml",
                "stages/src/main/conf-sample/mailetcontainer.xml",
                "security/src/main/conf-sample/mailetcontainer.xml",
                "listeners/src/main/conf-sample/listeners.xml",
                "ops/src/main/conf-sample/healthcheck.properties",
                "ops/src/main/conf-sample/webadmin.properties",
                "guice-modules/src/main/conf-sample/extensions.properties",
                "search-indexer/src/main/conf-sample/pipeline.properties",
                "server/src/main/conf-sample/pipeline.properties");
    }

    @Test
    void jamesConfContainsEveryXmlSample() throws Exception {
        for (Path sample : samplesEndingWith(".xml")) {
            String fragment = Files.readString(sample);
            DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader("<fragment>" + fragment + "</fragment>")));
            String conf = Files.readString(JAMES_CONF.resolve(sample.getFileName()));
            assertThat(ConfSamples.normalizedXml(conf)).as(sample.toString()).contains(ConfSamples.normalizedXml(fragment));
        }
    }

    @Test
    void jamesConfSetsEveryPropertiesSampleKeyToTheSampleValue() throws Exception {
        for (Path sample : samplesEndingWith(".properties")) {
            Properties expected = ConfSamples.properties(Files.readString(sample));
            Properties conf = ConfSamples.properties(Files.readString(JAMES_CONF.resolve(sample.getFileName())));
            assertThat(expected).as(sample.toString()).isNotEmpty();
            for (String key : expected.stringPropertyNames()) {
                assertThat(conf.getProperty(key)).as(sample + ": " + key).isEqualTo(expected.getProperty(key));
            }
        }
    }

    /** A stage mailet that does not propagate sends a storage failure to "error", where nothing retries it. */
    @Test
    void everyStageMailetPropagatesMatcherAndMailetFailures() throws Exception {
        for (String module : List.of("stages", "security")) {
            String stages = Files.readString(ConfSamples.sample(module, "mailetcontainer.xml"));
            NodeList mailets = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader("<fragment>" + stages + "</fragment>")))
                .getElementsByTagName("mailet");
            assertThat(mailets.getLength()).as(module).isGreaterThan(0);
            for (int i = 0; i < mailets.getLength(); i++) {
                Element mailet = (Element) mailets.item(i);
                String name = module + ": " + mailet.getAttribute("match") + " " + mailet.getAttribute("class");
                assertThat(childText(mailet, "onMatchException")).as(name).isEqualTo("propagate");
                assertThat(childText(mailet, "onMailetException")).as(name).isEqualTo("propagate");
            }
        }
    }

    private static String childText(Element parent, String tag) {
        NodeList children = parent.getElementsByTagName(tag);
        return children.getLength() == 1 ? children.item(0).getTextContent().trim() : null;
    }

    private static List<Path> samplesEndingWith(String suffix) throws Exception {
        List<Path> samples = ConfSamples.all().stream().filter(path -> path.toString().endsWith(suffix)).toList();
        assertThat(samples).isNotEmpty();
        return samples;
    }
}
