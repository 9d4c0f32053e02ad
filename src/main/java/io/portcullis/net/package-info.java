/**
 * Value types every capability speaks: protocols, port ranges and port classes, listen and target addresses.
 *
 * <p>Starting points: {@link io.portcullis.net.PortRange}, {@link io.portcullis.net.ListenAddress},
 * {@link io.portcullis.net.TargetAddress}. Nothing here opens a socket or does a DNS lookup.
 */
package io.portcullis.net;
