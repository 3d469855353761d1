package dev.jamespipeline.bench;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The accept matrix seen as cells (size × sessions, in the order they ran) and variants (in the
 * order they first appear), averaging a value over the rounds run for a cell and variant.
 */
final class AcceptCells {
    private final List<AcceptRow> rows;

    AcceptCells(List<AcceptRow> rows) {
        this.rows = rows;
    }

    List<String> cells() {
        return rows.stream().map(AcceptRow::cell).distinct().toList();
    }

    List<String> variants() {
        return rows.stream().map(AcceptRow::variant).distinct().toList();
    }

    /** Mean over rounds; empty when the variant did not run in that cell or its rows lack the value. */
    OptionalDouble mean(String cell, String variant, Function<AcceptRow, Double> value) {
        return rows.stream()
            .filter(row -> row.cell().equals(cell) && row.variant().equals(variant))
            .map(value)
            .filter(v -> v != null)
            .mapToDouble(Double::doubleValue)
            .average();
    }

    int rounds() {
        return rows.stream().mapToInt(AcceptRow::round).max().orElse(0);
    }
}
