package dev.jamespipeline.search.index;

import java.util.Map;

/**
 * What became of a bulk write.
 *
 * @param failures the operations OpenSearch refused, by their position in the written list, with
 *                 its reason; worth retrying. A write that lost to a newer one is not a failure.
 */
public record WriteOutcome(Map<Integer, String> failures) {
    public WriteOutcome {
        failures = Map.copyOf(failures);
    }

    public boolean isComplete() {
        return failures.isEmpty();
    }
}
