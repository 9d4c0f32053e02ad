/**
 * The host's ports: who holds each one, what it means, whether it can be bound, and which are free.
 *
 * <p>Everything here reads the kernel's own tables ({@code /proc/net/tcp}, {@code tcp6}, {@code udp},
 * {@code udp6}, {@code /proc/PID/fd}) and never runs {@code ss} or {@code lsof}.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.portcullis.ports.PortInventory}: the sockets of the host with owners, classes and services
 *       (what {@code portcullis ports} prints), built from {@link io.portcullis.ports.SocketTable} and
 *       {@link io.portcullis.ports.ProcessIndex};</li>
 *   <li>{@link io.portcullis.ports.PortCheck}: can this port be bound now, and if not, why
 *       ({@code portcullis check}); {@link io.portcullis.ports.BindFailure#explain} gives the gateway the same
 *       words when a forward's bind fails;</li>
 *   <li>{@link io.portcullis.ports.FreePorts} ({@code portcullis free}) and
 *       {@link io.portcullis.ports.ServiceRegistry} (IANA's service names, shipped as data).</li>
 * </ul>
 */
package io.portcullis.ports;
