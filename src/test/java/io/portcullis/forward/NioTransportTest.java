package io.portcullis.forward;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same behaviour on the NIO transport, which runs where the epoll native library cannot load. */
class NioTransportTest extends ForwardEngineTest {

    @BeforeAll
    static void useNio() {
        System.setProperty("portcullis.transport", "nio");
    }

    @AfterAll
    static void backToDefault() {
        System.clearProperty("portcullis.transport");
    }
}
