package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A request about an account that cannot be done, with what was wrong said per field, so the API can answer
 * {@code 400} with {@code problems: [{field, message}]} (or {@code 404}/{@code 409}/{@code 403}, see
 * {@link Kind}) and the dashboard can show each message beside its input. Messages never contain a secret.
 */
public final class AccountException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the request failed; the API maps each to its status code. */
    public enum Kind {
        /** Bad input (400). */
        INVALID,
        /** The user (or token) does not exist (404). */
        NOT_FOUND,
        /** The name is taken (409). */
        CONFLICT,
        /** Valid input that the rules do not allow, such as deleting the last admin (403). */
        REFUSED
    }

    private final Kind kind;
    private final String field;
    private final List<String> problems;
    private final List<String> advice;

    /** An exception of {@code kind} about {@code field}, with at least one problem. */
    public AccountException(Kind kind, String field, List<String> problems, List<String> advice) {
        super(field + ": " + String.join("; ", problems));
        this.kind = requireNonNull(kind, "kind");
        this.field = requireNonNull(field, "field");
        this.problems = List.copyOf(problems);
        this.advice = List.copyOf(advice);
        if (this.problems.isEmpty()) {
            throw new IllegalArgumentException("problems: empty (expected: at least one)");
        }
    }

    static AccountException invalid(String field, String problem) {
        return new AccountException(Kind.INVALID, field, List.of(problem), List.of());
    }

    static AccountException notFound(String name) {
        return new AccountException(Kind.NOT_FOUND, "name", List.of("no user named " + name), List.of());
    }

    static AccountException refused(String field, String problem) {
        return new AccountException(Kind.REFUSED, field, List.of(problem), List.of());
    }

    /** Why it failed. */
    public Kind kind() {
        return kind;
    }

    /** The input field the problems are about ({@code name}, {@code password}, {@code current}, {@code code}...). */
    public String field() {
        return field;
    }

    /** What was wrong, each a sentence a person reads. */
    public List<String> problems() {
        return problems;
    }

    /** How to do better (from the password policy), possibly empty. */
    public List<String> advice() {
        return advice;
    }
}
