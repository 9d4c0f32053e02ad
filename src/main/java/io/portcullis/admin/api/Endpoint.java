package io.portcullis.admin.api;

import io.javalin.http.Context;

/**
 * One route of the API, declared once: the server registers it from here and the OpenAPI document is
 * written from here, so the two cannot drift apart.
 *
 * @param method GET, POST, PUT or DELETE
 * @param path Javalin path, {@code {name}} for a path parameter
 * @param access who may call it
 * @param summary one line for the OpenAPI document
 * @param request the component schema of the body, or null
 * @param response the component schema of a successful answer, or null (no body: 204)
 * @param status the status of a successful answer
 */
record Endpoint(String method, String path, Access access, String summary, String request, String response, int status,
                Action action) {

    /** Who may call an endpoint. */
    enum Access {
        /** Anyone: first-run setup, login, the OpenAPI document. */
        PUBLIC,
        /** A session waiting for its second factor. */
        PENDING,
        /** Any logged-in user or token, reading only. */
        READ,
        /** A logged-in user about their own account (not a token). */
        ACCOUNT,
        /** An admin user, or a token of scope admin. */
        ADMIN
    }

    /** The work of an endpoint; answers the body to send as JSON, or null for none. */
    @FunctionalInterface
    interface Action {
        Object handle(Context ctx, Caller caller) throws Exception;
    }
}
