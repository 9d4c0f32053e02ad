/**
 * The admin listener: the REST API (docs/api.md), the dashboard's files and the Prometheus metrics, over
 * HTTPS only. Every route is one {@link io.portcullis.admin.api.Endpoint} declaring who may call it; the
 * server registers exactly those and writes the OpenAPI document from them. What the API needs from the
 * rest of the gateway comes through {@link io.portcullis.admin.api.AdminBackend}, which the composition
 * root implements.
 *
 * <p>Starting points: {@link io.portcullis.admin.api.AdminServer} (authorisation, CSRF, headers, errors),
 * {@link io.portcullis.admin.api.Routes} and {@link io.portcullis.admin.api.LoginRoutes} (the routes),
 * {@link io.portcullis.admin.api.TlsIdentity} (the certificate).
 */
package io.portcullis.admin.api;
