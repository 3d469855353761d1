package dev.jamespipeline.ops.webadmin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AMQP header values (LongString, Date, nested tables) as text, lists and maps that print as JSON. */
final class AmqpValues {
    private AmqpValues() {
    }

    static Map<String, Object> readable(Map<String, Object> headers) {
        Map<String, Object> readable = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> readable.put(name, readable(value)));
        }
        return readable;
    }

    private static Object readable(Object value) {
        if (value instanceof Map<?, ?> table) {
            Map<String, Object> readable = new LinkedHashMap<>();
            table.forEach((name, item) -> readable.put(String.valueOf(name), readable(item)));
            return readable;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(AmqpValues::readable).toList();
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }

    /** The broker's {@code x-death} list, newest first as the broker keeps it. */
    static List<DeadLetterSummary.Attempt> deaths(Object xDeath) {
        List<DeadLetterSummary.Attempt> attempts = new ArrayList<>();
        if (xDeath instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> death) {
                    attempts.add(new DeadLetterSummary.Attempt(String.valueOf(death.get("queue")), String.valueOf(death.get("reason")),
                        death.get("count") instanceof Number count ? count.longValue() : 0,
                        death.get("time") instanceof Date time ? time.toInstant() : null));
                }
            }
        }
        return attempts;
    }
}
