package io.s3jars.admission;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A deadline for a request's headers on the webhook port, which Vert.x does not have: its idle
 * timeout starts again with every byte, so a client sending a header byte a second holds its
 * connection for as long as the 2 KiB header limit lasts (over half an hour). Here, request bytes
 * (decrypted, after the TLS handshake) that arrive on a connection while no admission request is
 * open start a clock; a connection whose bytes have not become an admission request
 * {@link #DEADLINE_MILLIS} later is closed. From then on {@link AdmissionGate}'s body deadline
 * holds. A connection with nothing in flight is left to the idle timeout, new or kept alive: the
 * API server keeps both kinds in its pool and may pick one at any moment.
 *
 * <p>Vert.x gives no hook on accepted connections that Quarkus does not already use, so once a
 * second this walks the webhook server's own set of open channels (a private field of Vert.x's
 * server, read by reflection) and puts a byte watcher right after TLS on each new one. If a Vert.x
 * upgrade moves that field, s3jars logs so once and runs without the deadline; {@code
 * HeaderDeadlineTest} fails on such an upgrade.
 */
@ApplicationScoped
public class HeaderDeadline {

    static final long DEADLINE_MILLIS = AdmissionGate.BODY_DEADLINE_MILLIS;
    private static final long SWEEP_MILLIS = 1_000;
    private static final String HANDLER = "s3jars-header-deadline";
    private static final AttributeKey<Watch> WATCH = AttributeKey.valueOf(HANDLER);
    private static final Logger LOG = Logger.getLogger("io.s3jars.admission");

    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile List<ChannelGroup> webhookChannels = List.of();
    private volatile Runnable stopSweeping = () -> { };

    void onListening(@ObservesAsync HttpsServerStart started, Vertx vertx) {
        if (!sweeping.compareAndSet(false, true)) {
            return; // one sweeper, however often the server reports its start
        }
        try {
            webhookChannels = channelGroups((VertxInternal) vertx);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("request headers on the webhook port have no deadline: this Vert.x version's server cannot be"
                    + " watched (%s); slow clients are bounded only by the connection limit", e);
            return;
        }
        long timer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep(System.nanoTime()));
        stopSweeping = () -> vertx.cancelTimer(timer);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopSweeping.run();
    }

    /** An admission request has its headers: the clock stops until its answer is sent. */
    void requestStarted(HttpConnection connection) {
        Watch watch = watch(connection);
        if (watch != null) {
            watch.inRequest = true;
            watch.receivingSince = 0;
        }
    }

    /** The answer is sent: the next bytes on this connection start a new request's clock. */
    void requestEnded(HttpConnection connection) {
        Watch watch = watch(connection);
        if (watch != null) {
            watch.receivingSince = 0;
            watch.inRequest = false;
        }
    }

    void sweep(long now) {
        for (ChannelGroup group : webhookChannels) {
            for (Channel channel : group) {
                if (channel.pipeline().get(SslHandler.class) == null) {
                    continue; // the plain management port, or a channel not set up yet
                }
                Watch watch = watch(channel);
                if (!watch.installed) {
                    // After TLS: the handshake and an idle connection's TLS records start no clock.
                    try {
                        channel.pipeline().addAfter(channel.pipeline().context(SslHandler.class).name(), HANDLER, watch);
                        watch.installed = true;
                    } catch (RuntimeException closingOrChanging) {
                        continue; // tried again on the next sweep, if the channel is still open
                    }
                }
                long since = watch.receivingSince;
                if (!watch.inRequest && since != 0 && now - since > DEADLINE_MILLIS * 1_000_000) {
                    LOG.warnf("bad request to the webhook port: no complete request headers within %d ms of its first"
                            + " bytes; connection from %s closed", DEADLINE_MILLIS, channel.remoteAddress());
                    channel.close();
                }
            }
        }
    }

    private static Watch watch(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? watch(base.channel()) : null;
    }

    private static Watch watch(Channel channel) {
        Watch watch = channel.attr(WATCH).get();
        if (watch == null) {
            Watch created = new Watch();
            Watch raced = channel.attr(WATCH).setIfAbsent(created);
            watch = raced == null ? created : raced;
        }
        return watch;
    }

    private static List<ChannelGroup> channelGroups(VertxInternal vertx) throws ReflectiveOperationException {
        Field balancerField = TCPServerBase.class.getDeclaredField("channelBalancer");
        balancerField.setAccessible(true);
        List<ChannelGroup> groups = new ArrayList<>();
        for (HttpServerImpl server : vertx.sharedHttpServers().values()) {
            Object balancer = balancerField.get(server);
            if (balancer == null) {
                continue;
            }
            Field groupField = balancer.getClass().getDeclaredField("channelGroup");
            groupField.setAccessible(true);
            groups.add((ChannelGroup) groupField.get(balancer));
        }
        if (groups.isEmpty()) {
            throw new IllegalStateException("no listening HTTP server found");
        }
        return List.copyOf(groups);
    }

    /**
     * Per connection: when request bytes began to arrive outside an admission request. Right after
     * TLS in the pipeline, so it sees decrypted bytes as they come; their content does not matter.
     */
    static final class Watch extends ChannelInboundHandlerAdapter {

        volatile long receivingSince;
        volatile boolean inRequest;
        volatile boolean installed;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (!inRequest && receivingSince == 0) {
                receivingSince = System.nanoTime();
            }
            context.fireChannelRead(message);
        }
    }
}
