package io.portcullis.forward;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same behaviour on epoll, which runs where io_uring is not allowed (older kernels, some containers). */
class EpollTransportTest extends ForwardEngineTest {

    @BeforeAll
    static void useEpoll() {
        System.setProperty("portcullis.transport", "epoll");
    }

    @AfterAll
    static void backToDefault() {
        System.clearProperty("portcullis.transport");
    }
}
