package io.s3jars.nodeagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.json.JsonTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One named object kept current by a list and a watch, on a thread of its own: the node the agent
 * runs on, or the policy's ConfigMap. A watch instead of a read per round, because a thousand
 * agents polling would load the API server. A watch the API server ends is started again from the
 * last resource version seen (events and bookmarks carry it), at most once a second; the object is
 * listed again only at start, after a failure, and when that version has expired ({@code 410
 * Gone}). Failures are retried with a backoff of 1 to 30 s and logged once until a watch delivers
 * again.
 */
final class WatchedObject<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("io.s3jars.nodeagent");
    /** The API server ends each watch after this; bookmarks come about once a minute in between. */
    static final int WATCH_SECONDS = 290;
    private static final int CONNECT_SECONDS = 30;
    /** No message for this long means a dead connection: the watch is ended and started again. */
    private static final Duration SILENCE = Duration.ofSeconds(WATCH_SECONDS + 60);
    private static final long MIN_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final ApiServer api;
    private final String collection;
    private final String name;
    private final String selector;
    private final Function<JsonNode, T> keep;
    private final Thread thread;
    /** Ends the watch in progress, if one is. */
    private final AtomicReference<Runnable> open = new AtomicReference<>();
    private volatile Optional<T> current = Optional.empty();
    private volatile int lists;
    private volatile boolean closed;
    private volatile long lastMessageNanos = System.nanoTime();
    // Written by the watch thread and by the socket's listener, one after the other.
    /** The resource version to watch from; empty: list first. */
    private volatile String resumeFrom = "";
    private volatile String lastProblem;
    private volatile long backoffMillis = MIN_BACKOFF_MILLIS;

    /**
     * @param collection the collection's path, such as {@code /api/v1/nodes}
     * @param keep       what to hold of the object, taken once per change (a node's status is most of it, and unused)
     */
    WatchedObject(ApiServer api, String collection, String name, Function<JsonNode, T> keep) {
        this.api = api;
        this.collection = collection;
        this.name = name;
        this.keep = keep;
        this.selector = "fieldSelector=" + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8);
        this.thread = new Thread(this::run, "s3jars-watch-" + collection.substring(collection.lastIndexOf('/') + 1));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** What {@code keep} took of the object as last seen; empty before the first list, and while it does not exist. */
    Optional<T> current() {
        return current;
    }

    /** Whether the object has been listed once (it may still not exist). */
    boolean listed() {
        return lists > 0;
    }

    /** How many times the object has been listed, so a test can tell a watch from relists. */
    int lists() {
        return lists;
    }

    /** What last kept the watch from working, until a watch delivers again. */
    Optional<String> problem() {
        return Optional.ofNullable(lastProblem);
    }

    private void run() {
        while (!closed) {
            String problem = null;
            try {
                if (resumeFrom.isEmpty()) {
                    list();
                }
                watch();
            } catch (InterruptedException e) {
                problem = "watch interrupted";
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (closed) {
                return;
            }
            long pause = MIN_BACKOFF_MILLIS;
            if (problem != null) {
                resumeFrom = "";
                pause = backoffMillis;
                backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                if (!problem.equals(lastProblem)) {
                    LOG.warnf("%s/%s: %s; retrying, at most every %d s", collection, name, problem,
                            MAX_BACKOFF_MILLIS / 1000);
                    lastProblem = problem;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void list() throws IOException, InterruptedException {
        JsonNode list = api.get(collection + "?" + selector).orElseThrow(() -> new IOException(
                "GET " + collection + ": not found"));
        JsonNode items = list.path("items");
        current = items.isArray() && items.size() > 0 ? Optional.of(keep.apply(items.get(0))) : Optional.empty();
        lists++;
        resumeFrom = list.path("metadata").path("resourceVersion").asText("");
    }

    /** Follows a watch from {@link #resumeFrom} until the API server ends it or it breaks. */
    private void watch() throws IOException, InterruptedException {
        String path = collection + "?" + selector + "&watch=true&allowWatchBookmarks=true&timeoutSeconds="
                + WATCH_SECONDS + (resumeFrom.isEmpty() ? "" : "&resourceVersion=" + resumeFrom);
        Events events = new Events();
        CompletableFuture<WebSocket> connecting = api.watch(path, events);
        open.set(() -> events.end(new IOException("no word from the watch in " + SILENCE.toSeconds() + " s")));
        lastMessageNanos = System.nanoTime();
        try {
            connecting.get(CONNECT_SECONDS, TimeUnit.SECONDS);
            events.ended.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("watch " + collection + ": no answer in " + CONNECT_SECONDS + " s");
        } finally {
            events.ended.complete(null);
            open.set(null);
            // However the wait ended, the socket is closed: now if it is open, and once it is if it connects late.
            connecting.thenAccept(WebSocket::abort);
        }
    }

    private IOException failure(Throwable cause) {
        if (cause instanceof WebSocketHandshakeException refused) {
            return new IOException("watch " + collection + ": HTTP " + refused.getResponse().statusCode(), cause);
        }
        if (cause instanceof IOException io && io.getMessage() != null) {
            return io;
        }
        return new IOException("watch " + collection + ": " + cause, cause);
    }

    /** The messages of one watch, each one event, possibly in parts; nothing is taken once it has ended. */
    private final class Events implements WebSocket.Listener {
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                handle(message);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            bytes.writeBytes(part);
            if (last) {
                String message = bytes.toString(StandardCharsets.UTF_8);
                bytes.reset();
                handle(message);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            if (status == WebSocket.NORMAL_CLOSURE) {
                ended.complete(null);
            } else {
                end(new IOException("watch " + collection + " closed with status " + status
                        + (reason == null || reason.isBlank() ? "" : ": " + reason)));
            }
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            end(error instanceof IOException io ? io : new IOException(error.toString(), error));
        }

        void end(IOException problem) {
            ended.completeExceptionally(problem);
        }

        private void handle(String message) {
            if (closed || ended.isDone() || message.isBlank()) {
                return;
            }
            lastMessageNanos = System.nanoTime();
            try {
                JsonNode event = JsonTrees.read(message);
                if (apply(event)) {
                    backoffMillis = MIN_BACKOFF_MILLIS;
                    if (lastProblem != null) {
                        LOG.infof("%s/%s: watching again", collection, name);
                        lastProblem = null;
                    }
                } else {
                    ended.complete(null);
                }
            } catch (IOException | RuntimeException e) {
                end(e instanceof IOException io ? io : new IOException(e.toString(), e));
            }
        }
    }

    /** Applies one watch event; false when the watch must start again from a list. */
    private boolean apply(JsonNode event) throws IOException {
        JsonNode object = event.path("object");
        String version = object.path("metadata").path("resourceVersion").asText("");
        switch (event.path("type").asText()) {
            case "ADDED", "MODIFIED" -> {
                if (name.equals(object.path("metadata").path("name").asText())) {
                    current = Optional.of(keep.apply(object));
                }
            }
            case "DELETED" -> current = Optional.empty();
            case "BOOKMARK" -> {
            }
            case "ERROR" -> {
                // 410 Gone: the version expired after a compaction; a list gives a fresh one.
                if (object.path("code").asInt() != 410) {
                    // Never the node's toString(): Jackson writes it with an ObjectMapper the agent does not load.
                    JsonNode message = object.path("message");
                    throw new IOException("watch ended with " + (message.isTextual() ? message.asText()
                            : "status " + object.path("code").asText("unknown")));
                }
                resumeFrom = "";
                return false;
            }
            default -> throw new IOException("unexpected watch event " + event.path("type").asText("(none)"));
        }
        if (!version.isEmpty()) {
            resumeFrom = version;
        }
        return true;
    }

    /**
     * Ends a watch that has been silent past {@link #SILENCE}: a connection that died without a
     * reset would otherwise hold the watch for ever. Called from the agent's loop.
     */
    void closeIfSilent() {
        Runnable end = open.get();
        if (end != null && System.nanoTime() - lastMessageNanos > SILENCE.toNanos()) {
            LOG.warnf("%s/%s: no word from the watch in %d s, starting it again", collection, name,
                    SILENCE.toSeconds());
            end.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        Runnable end = open.get();
        if (end != null) {
            end.run();
        }
        thread.interrupt();
    }
}
