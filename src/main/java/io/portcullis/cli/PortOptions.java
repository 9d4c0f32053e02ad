package io.portcullis.cli;

import io.portcullis.net.Addresses;
import io.portcullis.net.PortClass;
import io.portcullis.net.PortRange;
import io.portcullis.net.Protocol;
import java.net.InetAddress;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Type converters shared by the port commands; each says what was wrong in its message. */
final class PortOptions {

    private PortOptions() {}

    /** {@code 8080} or {@code 8000-8100}. */
    static final class RangeConverter implements ITypeConverter<PortRange> {
        @Override
        public PortRange convert(String value) {
            try {
                return PortRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** One port, 0-65535. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return PortRange.parsePort(value.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code system}, {@code registered} or {@code dynamic}. */
    static final class ClassConverter implements ITypeConverter<PortClass> {
        @Override
        public PortClass convert(String value) {
            try {
                return PortClass.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** An IP literal, never a name lookup. */
    static final class AddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            return Addresses.parseLiteral(value).orElseThrow(() -> new TypeConversionException("'" + value
                    + "' is not an IP address (expected: an IPv4 or IPv6 literal such as 127.0.0.1, 0.0.0.0, ::1)"));
        }
    }

    /** A port with an optional transport: {@code 8080}, {@code 8080/tcp}, {@code 53/udp}. */
    record PortSpec(int port, Protocol protocol) {}

    /** Converts {@code PORT[/tcp|/udp]}; TCP when no transport is written. */
    static final class PortSpecConverter implements ITypeConverter<PortSpec> {
        @Override
        public PortSpec convert(String value) {
            String s = value.strip();
            Protocol protocol = Protocol.TCP;
            int slash = s.indexOf('/');
            if (slash >= 0) {
                String p = s.substring(slash + 1).toLowerCase(Locale.ROOT);
                protocol = switch (p) {
                    case "tcp" -> Protocol.TCP;
                    case "udp" -> Protocol.UDP;
                    default -> throw new TypeConversionException(
                            "transport '" + s.substring(slash + 1) + "' in '" + value + "' is unknown (expected: tcp or udp, as in 53/udp)");
                };
                s = s.substring(0, slash);
            }
            try {
                return new PortSpec(PortRange.parsePort(s), protocol);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " in '" + value + "' (expected: PORT[/tcp|/udp], e.g. 8080/tcp)");
            }
        }
    }
}
