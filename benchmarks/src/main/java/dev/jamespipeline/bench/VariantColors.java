package dev.jamespipeline.bench;

import java.awt.Color;
import java.util.Map;

/** One colour per benchmarked server, the same in every chart. */
final class VariantColors {
    private static final Map<String, Color> COLORS = Map.of(
        "pipeline", new Color(0x1f77b4),
        "pipeline-slow", new Color(0x9ecae9),
        "pipeline-search", new Color(0x9467bd),
        "stock", new Color(0xff7f0e),
        "postfix", new Color(0x2ca02c),
        "smtp-source", new Color(0x98df8a));

    private VariantColors() {
    }

    static Color of(String variant) {
        return COLORS.getOrDefault(variant, Color.GRAY);
    }
}
