package dev.jamespipeline.ops.webadmin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.eclipse.jetty.http.HttpStatus;

import spark.HaltException;

/** The pipeline routes' request checks and WebAdmin JSON errors, one wording for every route. */
final class RouteErrors {
    private RouteErrors() {
    }

    /** The {@code limit} query parameter: {@code defaultLimit} when absent, else a whole number from 1 to {@code max}. */
    static int limit(String raw, int defaultLimit, int max) {
        return wholeNumber("limit", raw, defaultLimit, 1, max);
    }

    /** The {@code offset} query parameter: 0 when absent, else a whole number from 0 to {@code max}. */
    static int offset(String raw, int max) {
        return wholeNumber("offset", raw, 0, 0, max);
    }

    private static int wholeNumber(String parameter, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below, with the accepted range
        }
        throw badRequest(parameter + " must be a whole number from " + min + " to " + max + ", was '" + abbreviated(raw) + "'");
    }

    /** A value from the request, cut short enough to be quoted in an error. */
    static String abbreviated(String raw) {
        return raw.length() > 80 ? raw.substring(0, 80) + "..." : raw;
    }

    static HaltException badRequest(String message) {
        return error(HttpStatus.BAD_REQUEST_400, ErrorType.INVALID_ARGUMENT, message);
    }

    static HaltException error(int status, ErrorType type, String message) {
        return ErrorResponder.builder().statusCode(status).type(type).message(message).haltError();
    }
}
