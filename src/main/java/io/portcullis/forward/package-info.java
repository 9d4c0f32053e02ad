/**
 * The data plane: listening sockets, relaying TCP and UDP to targets, balancing and health.
 *
 * <p>A connection's path, top to bottom: {@link io.portcullis.forward.ForwardRuntime} binds the sockets;
 * {@code TcpAcceptInitializer} sets up each accepted connection; {@code TcpConnection} chooses a target
 * from the {@code TargetPool}, connects and writes the PROXY header; {@code RelayHandler} moves the bytes
 * with back-pressure and half-close; {@code ForwardStats} counts. UDP goes through
 * {@code UdpListenerHandler} and one {@code UdpSession} per client.
 *
 * <p>Starting points: {@link io.portcullis.forward.ForwardEngine} (apply a config, status, stop),
 * {@code TcpConnection}, {@code UdpListenerHandler}.
 */
package io.portcullis.forward;
