package io.portcullis.admin.api;

import java.time.Duration;
import java.util.List;

/**
 * A request the API refuses, with the status code and the words the caller reads. Everything a user can
 * get wrong ends here, never in a stack trace.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One field's problem in a refused body: {@code listen} is "port 70000 is out of range". */
    public record FieldProblem(String field, String message) {}

    private final int status;
    private final String code;
    private final transient List<FieldProblem> problems;
    private final transient Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), null);
    }

    public ApiException(int status, String code, String message, List<FieldProblem> problems, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.problems = List.copyOf(problems);
        this.retryAfter = retryAfter;
    }

    public static ApiException invalid(String message, List<FieldProblem> problems) {
        return new ApiException(400, "invalid", message, problems, null);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(message, List.of(new FieldProblem(field, message)));
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not-found", what);
    }

    public static ApiException forbidden(String why) {
        return new ApiException(403, "forbidden", why);
    }

    public static ApiException conflict(String why) {
        return new ApiException(409, "conflict", why);
    }

    public static ApiException stale(String why) {
        return new ApiException(412, "stale", why);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    /** How long a throttled caller should wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
