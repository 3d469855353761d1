package dev.jamespipeline.ops.alerting;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Prometheus's own checker, as installed by Debian's {@code prometheus} package (test.sh installs it as root). */
final class Promtool {
    /** The shipped rules and their unit tests, in the repository (ops/prometheus). */
    static final Path RULES_DIR = Path.of("prometheus");
    static final Path RULES = RULES_DIR.resolve("pipeline-alerts.yml");

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Result run(Path workingDir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", arguments) + " did not finish in 60 s: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static Path executable() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .map(dir -> Path.of(dir, "promtool"))
            .filter(Files::isExecutable)
            .findFirst();
        return found.orElseThrow(() -> new IllegalStateException(
            "promtool is not on the PATH: apt-get install prometheus (./test.sh installs it when run as root)"));
    }
}
