/**
 * The configuration: one YAML file read into immutable, checked records.
 *
 * <p>Starting points: {@link io.portcullis.config.ConfigLoader} reads a file and reports every mistake with
 * its file:line:column; {@link io.portcullis.config.GatewayConfig} is what it produces;
 * {@link io.portcullis.config.Forward} is one published service.
 */
package io.portcullis.config;
