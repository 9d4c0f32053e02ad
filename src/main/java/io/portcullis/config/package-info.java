/**
 * The configuration: one YAML file read into immutable, checked records.
 *
 * <p>Starting points: {@link io.portcullis.config.ConfigLoader} reads a file and reports every mistake with
 * its file:line:column; {@link io.portcullis.config.GatewayConfig} is what it produces;
 * {@link io.portcullis.config.Forward} is one published service.
 *
 * <p>Reading goes in two steps: {@code YamlReader} turns the text into a small tree that remembers each
 * key's and value's position ({@code YamlNode}); {@code ConfigBinder} and {@code ForwardBinder} turn the
 * tree into records, running each record's validation rule against the one value it concerns so that a
 * problem points at that value, and collecting every problem before giving up. The format is documented
 * in {@code docs/configuration.md}.
 */
package io.portcullis.config;
