package dev.jamespipeline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of a James run (the bench scripts' {@code PROFILE=1}) and prints where its
 * threads were: the profile behind the "where it is slower, and why" of the README, repeatable.
 * <ul>
 *   <li>Java samples ({@code jdk.ExecutionSample}) per thread group (thread names with their numbers
 *       removed) in windows of WINDOW_S seconds, to tell the load from the drain after it;</li>
 *   <li>the hottest leaf methods, and the methods of the packages named (inclusive: a sample counts
 *       once for every such method on its stack);</li>
 *   <li>native samples ({@code jdk.NativeMethodSample}) that are work, not idling (selectors,
 *       accepts and parked sockets are left out): thread group, native method, first frame of the
 *       packages named.</li>
 * </ul>
 * A Java sample is a thread seen running Java code; a thread blocked in a system call (fsync, a
 * socket write) shows up only among the native samples. The two sample kinds are taken at different
 * rates, so they are shown apart.
 *
 * <p>Usage: {@code JfrSummary JFR_FILE [WINDOW_S=10] [PACKAGE_PREFIX...]} (default prefixes:
 * {@code dev.jamespipeline org.apache.james.mailbox}).
 */
public final class JfrSummary {
    private static final int TOP = 15;
    /** Native methods a thread waits in for work to come (event loops, server sockets, idle connections). */
    private static final Set<String> IDLE_NATIVE = Set.of("EPoll.wait", "Net.poll", "Net.accept", "Unsafe.park");

    private record Sample(Instant at, String threadGroup, List<String> frames) {
    }

    private JfrSummary() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JFR_FILE [WINDOW_S=10] [PACKAGE_PREFIX...]");
            System.exit(2);
        }
        Duration window = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
        List<String> packages = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("dev.jamespipeline", "org.apache.james.mailbox");
        List<Sample> java = new ArrayList<>();
        List<Sample> natives = new ArrayList<>();
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    java.add(sample(event));
                } else if (type.equals("jdk.NativeMethodSample")) {
                    natives.add(sample(event));
                }
            }
        }
        if (java.isEmpty()) {
            System.out.println("no Java samples in " + args[0]);
            return;
        }
        Instant start = java.stream().map(Sample::at).min(Comparator.naturalOrder()).orElseThrow();
        System.out.printf("%s: %d Java samples, %d native samples%n", args[0], java.size(), natives.size());

        System.out.println("\nJava samples per thread group, by window (seconds from the first sample):");
        Map<Long, List<Sample>> windows = java.stream().collect(Collectors.groupingBy(
            sample -> Duration.between(start, sample.at()).toSeconds() / window.toSeconds() * window.toSeconds(), TreeMap::new, Collectors.toList()));
        windows.forEach((from, samples) -> System.out.printf("  %4d-%-4d %5d  %s%n", from, from + window.toSeconds(), samples.size(),
            String.join(",", top(samples, sample -> List.of(sample.threadGroup()), 5, samples.size()))));

        System.out.println("\nHottest leaf methods (share of Java samples):");
        print(top(java, sample -> sample.frames().isEmpty() ? List.of() : List.of(sample.frames().get(0)), TOP, java.size()));
        System.out.println("\nMethods of " + packages + " on the stack (inclusive share of Java samples):");
        print(top(java, sample -> sample.frames().stream().filter(frame -> startsWithAny(frame, packages) && !frame.contains("$$Lambda")).distinct().toList(), TOP, java.size()));

        List<Sample> working = natives.stream()
            .filter(sample -> !sample.frames().isEmpty() && !IDLE_NATIVE.contains(shortName(sample.frames().get(0))))
            .toList();
        System.out.printf("%nNative samples at work (%d of %d; threads waiting for work in %s left out):%n", working.size(), natives.size(), IDLE_NATIVE);
        print(top(working, sample -> List.of(sample.threadGroup() + "  " + shortName(sample.frames().get(0)) + "  <- "
            + sample.frames().stream().filter(frame -> startsWithAny(frame, packages)).findFirst().map(JfrSummary::shortName).orElse("-")),
            TOP, working.size()));
    }

    private static Sample sample(RecordedEvent event) {
        String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
        RecordedStackTrace stack = event.getStackTrace();
        List<String> frames = new ArrayList<>();
        if (stack != null) {
            for (RecordedFrame frame : stack.getFrames()) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
        }
        return new Sample(event.getStartTime(), thread == null ? "?" : thread.replaceAll("[-#]?\\d+", "N"), frames);
    }

    /** The keys most samples have, with their share of {@code total}: "12.3% key". */
    private static List<String> top(List<Sample> samples, Function<Sample, List<String>> keys, int limit, int total) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Sample sample : samples) {
            for (String key : new HashSet<>(keys.apply(sample))) {
                counts.merge(key, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(limit)
            .map(entry -> String.format("%5.1f%% %s", 100.0 * entry.getValue() / total, entry.getKey()))
            .toList();
    }

    private static void print(List<String> lines) {
        lines.forEach(line -> System.out.println("  " + line));
    }

    private static boolean startsWithAny(String frame, List<String> prefixes) {
        return prefixes.stream().anyMatch(frame::startsWith);
    }

    /** {@code a.b.Class.method} → {@code Class.method}. */
    private static String shortName(String frame) {
        int method = frame.lastIndexOf('.');
        return frame.substring(frame.lastIndexOf('.', method - 1) + 1);
    }
}
