package io.s3jars.nodeagent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.WebSocket;
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
import org.jboss.logging.Logger;

/**
 * One named object kept current by a list and a watch, on a thread of its own: the node the agent
 * runs on, or the policy's ConfigMap. A watch instead of a read per round, because a thousand
 * agents polling would load the API server. Every watch starts from a fresh list (one small read
 * every few minutes per agent), so a lost or expired resource version ({@code 410 Gone}) needs no
 * special path. Failures are retried with a backoff of 1 to 30 s and logged once until the watch
 * works again.
 */
final class WatchedObject implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("io.s3jars.nodeagent");
    /** The API server ends each watch after this; bookmarks come about once a minute in between. */
    static final int WATCH_SECONDS = 290;
    private static final int CONNECT_SECONDS = 30;
    /** No message for this long means a dead connection: the watch is closed and started again. */
    private static final Duration SILENCE = Duration.ofSeconds(WATCH_SECONDS + 60);

    private final ApiServer api;
    private final String collection;
    private final String name;
    private final String selector;
    private final Thread thread;
    /** Ends the watch in progress, if one is. */
    private final AtomicReference<Runnable> open = new AtomicReference<>();
    private volatile Optional<JsonNode> current = Optional.empty();
    private volatile boolean listed;
    private volatile int lists;
    private volatile boolean closed;
    private volatile long lastLineNanos = System.nanoTime();
    private String lastProblem;
    private long backoffMillis = 1000;

    /** @param collection the collection's path, such as {@code /api/v1/nodes} */
    WatchedObject(ApiServer api, String collection, String name) {
        this.api = api;
        this.collection = collection;
        this.name = name;
        this.selector = "fieldSelector=" + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8);
        this.thread = new Thread(this::run, "s3jars-watch-" + collection.substring(collection.lastIndexOf('/') + 1));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The object as last seen; empty before the first list, and while it does not exist. */
    Optional<JsonNode> current() {
        return current;
    }

    /** Whether the object has been listed once (it may still not exist). */
    boolean listed() {
        return listed;
    }

    /** How many times the object has been listed: once per watch, so a test can tell a watch from relists. */
    int lists() {
        return lists;
    }

    private void run() {
        while (!closed) {
            String problem = null;
            try {
                watchOnce();
            } catch (InterruptedException e) {
                problem = closed ? null : "watch interrupted";
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (closed) {
                return;
            }
            if (problem == null) {
                continue;
            }
            if (!problem.equals(lastProblem)) {
                LOG.warnf("%s/%s: %s; retrying, at most every 30 s", collection, name, problem);
                lastProblem = problem;
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
            backoffMillis = Math.min(30_000, backoffMillis * 2);
        }
    }

    /** Lists the object, then follows its watch until the API server ends it or it breaks. */
    private void watchOnce() throws IOException, InterruptedException {
        JsonNode list = api.get(collection + "?" + selector).orElseThrow(() -> new IOException(
                "GET " + collection + ": not found"));
        JsonNode items = list.path("items");
        current = items.isArray() && items.size() > 0 ? Optional.of(items.get(0)) : Optional.empty();
        listed = true;
        lists++;
        String version = list.path("metadata").path("resourceVersion").asText("");
        String path = collection + "?" + selector + "&watch=true&allowWatchBookmarks=true&timeoutSeconds="
                + WATCH_SECONDS + (version.isEmpty() ? "" : "&resourceVersion=" + version);
        Events events = new Events();
        WebSocket socket;
        try {
            socket = api.watch(path, events).get(CONNECT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("watch " + collection + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("watch " + collection + ": no answer in " + CONNECT_SECONDS + " s");
        }
        open.set(() -> events.end(new IOException("no word from the watch in " + SILENCE.toSeconds() + " s")));
        lastLineNanos = System.nanoTime();
        backoffMillis = 1000;
        if (lastProblem != null) {
            LOG.infof("%s/%s: watching again", collection, name);
            lastProblem = null;
        }
        try {
            events.ended.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().toString(), e.getCause());
        } finally {
            open.set(null);
            socket.abort();
        }
    }

    /** The watch's messages, each one event, possibly in parts. */
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
            ended.complete(null);
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
            lastLineNanos = System.nanoTime();
            if (closed || message.isBlank()) {
                return;
            }
            try {
                if (!apply(ApiServer.parse(message))) {
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
        switch (event.path("type").asText()) {
            case "ADDED", "MODIFIED" -> {
                if (name.equals(object.path("metadata").path("name").asText())) {
                    current = Optional.of(object);
                }
            }
            case "DELETED" -> current = Optional.empty();
            case "BOOKMARK" -> {
            }
            case "ERROR" -> {
                // 410 Gone after a compaction is the usual one; anything else is reported.
                if (object.path("code").asInt() != 410) {
                    throw new IOException("watch ended with " + object.path("message").asText(object.toString()));
                }
                return false;
            }
            default -> throw new IOException("unexpected watch event " + event.path("type").asText("(none)"));
        }
        return true;
    }

    /**
     * Ends a watch that has been silent past {@link #SILENCE}: a connection that died without a
     * reset would otherwise hold the watch for ever. Called from the agent's loop.
     */
    void closeIfSilent() {
        Runnable end = open.get();
        if (end != null && System.nanoTime() - lastLineNanos > SILENCE.toNanos()) {
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
