package dev.jamespipeline.it;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The James configuration lines each module owns, in {@code <module>/src/main/conf-sample/<James file>},
 * and the merges the README's "Adding the pipeline to an existing James 3.8.1" tells operators to make.
 */
final class ConfSamples {
    static final List<String> MODULES = List.of("pipeline-core", "smtp-ingest", "mailets", "stages", "security", "listeners", "ops",
        "guice-modules", "search-indexer", "server");

    private ConfSamples() {
    }

    static Path projectDir() {
        return Path.of(System.getProperty("pipeline.project.dir")).toAbsolutePath().normalize();
    }

    static Path sample(String module, String jamesFile) {
        return projectDir().resolve(module).resolve("src/main/conf-sample").resolve(jamesFile);
    }

    static List<Path> all() throws IOException {
        List<Path> samples = new ArrayList<>();
        for (String module : MODULES) {
            Path folder = projectDir().resolve(module).resolve("src/main/conf-sample");
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.sorted().forEach(samples::add);
                }
            }
        }
        return samples;
    }

    /** XML without comments and without the whitespace between elements, to compare fragments. */
    static String normalizedXml(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "").replaceAll("\\s+", " ").replace("> <", "><").trim();
    }

    static Properties properties(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    /** Replaces {@code anchor} (a regular expression) by the module's sample, exactly {@code times} times. */
    static void replace(Path file, String anchor, String module, int times) throws IOException {
        String text = Files.readString(file);
        String[] parts = text.split(anchor, -1);
        if (parts.length - 1 != times) {
            throw new IllegalStateException(file + ": expected " + anchor + " " + times + " time(s), found " + (parts.length - 1));
        }
        String fragment = Files.readString(sample(module, file.getFileName().toString()));
        Files.writeString(file, String.join(fragment, parts));
    }

    /** Inserts the module's sample before the one {@code closingTag}. */
    static void insertBefore(Path file, String closingTag, String module) throws IOException {
        String text = Files.readString(file);
        String fragment = Files.readString(sample(module, file.getFileName().toString()));
        replaceOnce(file, text, closingTag, fragment + closingTag);
    }

    /** Appends the module's properties sample; a key the file already sets would need merging by hand, so it fails. */
    static void appendProperties(Path file, String module) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "";
        String fragment = Files.readString(sample(module, file.getFileName().toString()));
        for (String key : properties(fragment).stringPropertyNames()) {
            if (properties(text).containsKey(key)) {
                throw new IllegalStateException(file + " already sets " + key);
            }
        }
        Files.writeString(file, text + "\n" + fragment);
    }

    private static void replaceOnce(Path file, String text, String target, String replacement) throws IOException {
        int at = text.indexOf(target);
        if (at < 0 || text.indexOf(target, at + 1) >= 0) {
            throw new IllegalStateException(file + ": expected " + target + " exactly once");
        }
        Files.writeString(file, text.substring(0, at) + replacement + text.substring(at + target.length()));
    }
}
