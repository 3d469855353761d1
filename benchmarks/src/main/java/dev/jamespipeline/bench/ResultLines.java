package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result lines the bench scripts collect, "NAME... key=value ...": the words before the first
 * key=value name the measurement (for example "ours idle selective"), the pairs are its values.
 * Lines without a name or without a pair are skipped; a measurement named twice keeps its last line.
 */
final class ResultLines {
    private ResultLines() {
    }

    /** Name → its key=value pairs, in the order of the file. */
    static Map<String, Map<String, String>> read(Path file) throws IOException {
        Map<String, Map<String, String>> measurements = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] fields = line.trim().split("\\s+");
            StringBuilder name = new StringBuilder();
            Map<String, String> values = new LinkedHashMap<>();
            for (String field : fields) {
                int equals = field.indexOf('=');
                if (equals > 0) {
                    values.put(field.substring(0, equals), field.substring(equals + 1));
                } else if (values.isEmpty() && !field.isEmpty()) {
                    name.append(name.isEmpty() ? "" : " ").append(field);
                }
            }
            if (!name.isEmpty() && !values.isEmpty()) {
                measurements.put(name.toString(), values);
            }
        }
        return measurements;
    }
}
