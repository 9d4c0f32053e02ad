package io.portcullis.config;

/** Whether and how a forward tells its target the client's real address (HAProxy's PROXY protocol). */
public enum ProxyProtocol {
    /** Send nothing: the target sees the gateway's address. */
    NONE,
    /** The human-readable v1 header line. */
    V1,
    /** The binary v2 header. */
    V2;

    /** The name written in the config file: {@code none}, {@code v1}, {@code v2}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
