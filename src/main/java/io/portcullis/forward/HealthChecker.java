package io.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.portcullis.config.HealthCheck;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every target of one forward by opening (and at once closing) a TCP connection, on a timer, and
 * moves targets in and out of rotation after enough results in a row.
 *
 * <p>Runs entirely on one event loop: probes are non-blocking connects, so a slow target never holds up
 * traffic.
 */
final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final String forwardName;
    private final TargetPool pool;
    private final HealthCheck check;
    private final EventLoop loop;
    private final Transport transport;
    private ScheduledFuture<?> timer;

    HealthChecker(String forwardName, TargetPool pool, HealthCheck check, EventLoop loop, Transport transport) {
        this.forwardName = forwardName;
        this.pool = pool;
        this.check = check;
        this.loop = loop;
        this.transport = transport;
    }

    void start() {
        long interval = check.interval().toMillis();
        timer = loop.scheduleAtFixedRate(this::round, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void round() {
        for (Upstream u : pool.upstreams()) {
            if (u.resolved == null || u.probeInFlight) {
                continue;
            }
            u.probeInFlight = true;
            ChannelFuture f = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) check.timeout().toMillis())
                    .option(ChannelOption.SO_LINGER, 0)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(u.socketAddress(0));
            f.addListener((ChannelFuture done) -> {
                u.probeInFlight = false;
                if (done.isSuccess()) {
                    done.channel().close();
                    onSuccess(u);
                } else {
                    onFailure(u, Relay.describe(done.cause()));
                }
            });
        }
    }

    private void onSuccess(Upstream u) {
        u.probeFailures = 0;
        u.probeSuccesses++;
        if (!u.healthy() && u.probeSuccesses >= check.recoveries()) {
            u.markUp();
            log.info("target up forward={} target={} after={} good checks", forwardName, u, u.probeSuccesses);
        }
    }

    private void onFailure(Upstream u, String why) {
        u.probeSuccesses = 0;
        u.probeFailures++;
        if (u.healthy() && u.probeFailures >= check.failures()) {
            u.markDown("health check failed " + u.probeFailures + " times in a row (last: " + why + ")");
            log.warn("target down forward={} target={} reason=\"{}\"", forwardName, u, u.downReason());
        }
    }
}
