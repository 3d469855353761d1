package dev.jamespipeline.search.index;

import java.util.Objects;

/**
 * One sort key of a search, on an indexed field.
 *
 * @param field      what to sort on
 * @param descending largest first
 */
public record SortOption(Field field, boolean descending) {

    public SortOption {
        Objects.requireNonNull(field, "field");
    }

    public static SortOption ascending(Field field) {
        return new SortOption(field, false);
    }

    /** The sortable fields, named for what they mean to a mail client. */
    public enum Field {
        UID(MailIndexSchema.UID),
        ARRIVAL(MailIndexSchema.INTERNAL_DATE),
        /** The Date header, or the arrival date when there is none (as James sorts). */
        SENT_DATE(MailIndexSchema.SENT_DATE_OR_ARRIVAL),
        SIZE(MailIndexSchema.SIZE);

        private final String indexField;

        Field(String indexField) {
            this.indexField = indexField;
        }

        String indexField() {
            return indexField;
        }
    }
}
