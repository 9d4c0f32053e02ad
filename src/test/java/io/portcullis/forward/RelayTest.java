package io.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class RelayTest {

    @Test
    void describesNativeErrorsByTheirReasonOnly() {
        assertThat(Relay.describe(new IOException("io_uring connect(..) failed with error(-111): Connection refused")))
                .isEqualTo("Connection refused");
        assertThat(Relay.describe(new ConnectException("connect(..) failed: Connection refused: /127.0.0.1:9")))
                .isEqualTo("Connection refused");
        assertThat(Relay.describe(new ConnectTimeoutException("connection timed out after 5000 ms: /10.0.0.1:80")))
                .isEqualTo("connect timed out");
        assertThat(Relay.describe(new IOException("Connection reset by peer"))).isEqualTo("Connection reset by peer");
    }
}
