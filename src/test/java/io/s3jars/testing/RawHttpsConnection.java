package io.s3jars.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One kept-alive HTTP/1.1 connection over TLS, written by hand so a test can send part of a body,
 * see the {@code Connection} header the server answers with, and tell how the server closed the
 * connection: a clean end of stream or a reset. A JDK HttpClient hides all three.
 */
public final class RawHttpsConnection implements Closeable {

    /** How the peer ended the connection, as seen by a read. */
    public enum Ending { EOF, RESET, STILL_OPEN }

    public record Response(int status, Map<String, String> headers, String body) {

        public boolean closesConnection() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    public RawHttpsConnection(SSLContext tls, int port) throws IOException {
        this.host = "localhost:" + port;
        this.socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** The request line and headers of a JSON POST, without its body. */
    public byte[] head(String path, int contentLength) {
        return ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public void write(byte[] bytes, int from, int to) throws IOException {
        out.write(bytes, from, to - from);
        out.flush();
    }

    public Response post(String path, byte[] body) throws IOException {
        byte[] head = head(path, body.length);
        write(head, 0, head.length);
        write(body, 0, body.length);
        return read();
    }

    /** Reads one whole response; a connection that ends before that throws. */
    public Response read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection ended before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(exactly(size));
                requiredLine();
            }
            requiredLine();
        } else {
            body.write(exactly(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /**
     * Waits up to {@code millis} for the server to end the connection, and says how it did; a
     * connection still open keeps its read timeout for the next response.
     */
    public Ending ending(int millis) throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            int next = in.read();
            if (next != -1) {
                throw new IOException("unexpected byte " + next + " after the last response");
            }
            return Ending.EOF;
        } catch (SocketTimeoutException open) {
            return Ending.STILL_OPEN;
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return Ending.RESET;
            }
            throw e;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(timeout);
            }
        }
    }

    private byte[] exactly(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new IOException("truncated response: " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    private int chunkSize() throws IOException {
        return Integer.parseInt(requiredLine().trim(), 16);
    }

    private String requiredLine() throws IOException {
        String line = line();
        if (line == null) {
            throw new IOException("truncated response: it ends inside a chunked body");
        }
        return line;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException("truncated response line: " + line.toString(StandardCharsets.US_ASCII));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
