package dev.kv.gateway.replica;

import dev.kv.web.runtime.SystemSources;
import dev.kv.web.tls.MemberTls;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection to a node, for {@link NodeLink}: writes a request in one piece and reads the answer, with
 * the body delimited by {@code Content-Length}, by chunks, or by the end of the connection. Not thread-safe: one
 * exchange at a time.
 */
final class HttpConnection {

    /** The longest status or header line accepted, and the most header lines. */
    private static final int LINE_BYTES_MAX = 8 * 1024;
    private static final int HEADER_LINES_MAX = 100;
    /** The largest answer body accepted (a batch of 64 calls' records stays far below it). */
    private static final int BODY_BYTES_MAX = 512 * 1024 * 1024;

    private final Socket socket;
    /** The TCP connection under {@link #socket}: the same socket, or the one a TLS socket is layered over. */
    private final Socket transport;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private boolean reusable = true;
    private volatile boolean closedAtDeadline;
    private long lastUsedNanos = SystemSources.monotonicNanos();

    private HttpConnection(Socket socket, Socket transport) throws IOException {
        this.socket = socket;
        this.transport = transport;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects from {@code source} (null: the system's choice) to {@code address} (resolved now, so a node that moved
     * is found at its new address) by the deadline;
     * with {@code tls}, then completes a handshake in which the node proves its identity (its certificate from the
     * cluster CA, for the host name called, with an allowed member identity) before anything is sent.
     *
     * @throws ConnectTimeoutException if the connection could not be made in time: nothing reached the node, so a
     *         writer fails over at once
     * @throws ConnectException if the node refused the connection or failed the handshake: nothing reached it
     */
    static HttpConnection open(InetSocketAddress address, InetSocketAddress source, SSLContext tls,
                               long deadlineNanos) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (source != null) {
                socket.bind(source);
            }
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()),
                    millisLeft(deadlineNanos));
            return new HttpConnection(tls == null ? socket : handshake(socket, address, tls, deadlineNanos), socket);
        } catch (SocketTimeoutException e) {
            socket.close();
            ConnectTimeoutException timeout = new ConnectTimeoutException("connect to " + address + " timed out");
            timeout.initCause(e);
            throw timeout;
        } catch (SSLException e) {
            socket.close();
            ConnectException refused = new ConnectException("TLS handshake with " + address + " failed: "
                    + e.getMessage());
            refused.initCause(e);
            throw refused;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static SSLSocket handshake(Socket socket, InetSocketAddress address, SSLContext tls, long deadlineNanos)
            throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, address.getHostString(),
                address.getPort(), true);
        secure.setSSLParameters(MemberTls.verifyingHostName(secure.getSSLParameters()));
        secure.setSoTimeout(millisLeft(deadlineNanos));
        secure.startHandshake();
        return secure;
    }

    /** What is left of the deadline, in whole milliseconds (at least one), for a socket's timeouts. */
    private static int millisLeft(long deadlineNanos) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - SystemSources.monotonicNanos());
        if (left <= 0) {
            throw new SocketTimeoutException("the exchange's deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /**
     * Posts {@code body} after {@code head} (the request line and headers up to {@code Content-Length: }) and reads
     * the answer. A write refused or a connection that ends before the first byte of the answer fails with {@link
     * NoHttpResponseException}: on a kept connection, the node had most likely closed it before the request arrived.
     */
    NodeLink.Answer exchange(byte[] head, byte[] body, long deadlineNanos) throws IOException {
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + length.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(length, 0, request, head.length, length.length);
        System.arraycopy(body, 0, request, head.length + length.length, body.length);
        try {
            out.write(request);
        } catch (SocketException e) {
            throw closedByNode(e);
        }
        String statusLine;
        try {
            statusLine = readLine(deadlineNanos);
        } catch (EOFException | SocketException e) {
            if (limit == 0) {
                throw closedByNode(e);
            }
            throw e;
        }
        int status = statusLine(statusLine);
        while (status >= 100 && status < 200) { // informational answers precede the real one
            headers(deadlineNanos);
            statusLine = readLine(deadlineNanos);
            status = statusLine(statusLine);
        }
        if (statusLine.startsWith("HTTP/1.0")) {
            reusable = false; // an HTTP/1.0 peer closes the connection after its answer unless it says otherwise
        }
        Headers headers = headers(deadlineNanos);
        byte[] answer;
        if (headers.chunked) {
            answer = chunked(deadlineNanos);
        } else if (headers.contentLength >= 0) {
            answer = exactly(headers.contentLength, deadlineNanos);
        } else {
            answer = untilClosed(deadlineNanos);
            reusable = false;
        }
        if (headers.close) {
            reusable = false;
        }
        if (position < limit) {
            reusable = false; // bytes nobody asked for: the connection's framing cannot be trusted any more
        }
        position = 0;
        limit = 0;
        lastUsedNanos = SystemSources.monotonicNanos();
        return new NodeLink.Answer(status, answer);
    }

    boolean reusable() {
        return reusable;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** The watchdog's close: marked first, so the writer it interrupts knows why its write failed. */
    void closeAtDeadline() {
        closedAtDeadline = true;
        close();
    }

    /** Whether {@link #closeAtDeadline} has closed this connection (a write that failed then timed out). */
    boolean closedAtDeadline() {
        return closedAtDeadline;
    }

    /**
     * Closes the TCP connection itself, also under TLS: closing the TLS socket would first send its closing message,
     * and could wait behind a write the node stopped reading (the watchdog's case), or for a lock that write holds.
     */
    void close() {
        reusable = false;
        try {
            transport.close();
        } catch (IOException e) {
            // closing a socket that is already broken: nothing to do
        }
    }

    private static NoHttpResponseException closedByNode(IOException cause) {
        NoHttpResponseException closed =
                new NoHttpResponseException("the node closed the connection without answering");
        closed.initCause(cause);
        return closed;
    }

    private record Headers(long contentLength, boolean chunked, boolean close) {
    }

    private static int statusLine(String line) throws IOException {
        // "HTTP/1.1 200" with or without a reason phrase
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("not an HTTP/1.x status line: " + printable(line));
        }
        try {
            return Integer.parseInt(line, 9, 12, 10);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.x status line: " + printable(line), e);
        }
    }

    private Headers headers(long deadlineNanos) throws IOException {
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (int lines = 0; ; lines++) {
            String line = readLine(deadlineNanos);
            if (line.isEmpty()) {
                return new Headers(contentLength, chunked, close);
            }
            if (lines >= HEADER_LINES_MAX) {
                throw new IOException("more than " + HEADER_LINES_MAX + " header lines in the node's answer");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line: " + printable(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("not a Content-Length: " + printable(value), e);
                }
                if (contentLength < 0 || contentLength > BODY_BYTES_MAX) {
                    throw new IOException("an answer of " + contentLength + " bytes is not accepted");
                }
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.toLowerCase(Locale.ROOT).contains("close");
            }
        }
    }

    private byte[] exactly(long length, long deadlineNanos) throws IOException {
        byte[] body = new byte[(int) length];
        int filled = Math.min(body.length, limit - position);
        System.arraycopy(buffer, position, body, 0, filled);
        position += filled;
        while (filled < body.length) {
            int read = readSome(body, filled, deadlineNanos);
            if (read < 0) {
                throw new EOFException("the answer ended after " + filled + " of its " + length + " bytes");
            }
            filled += read;
        }
        return body;
    }

    private byte[] chunked(long deadlineNanos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(deadlineNanos);
            int extension = line.indexOf(';');
            long size;
            try {
                size = Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("not a chunk size: " + printable(line), e);
            }
            if (size < 0 || body.size() + size > BODY_BYTES_MAX) {
                throw new IOException("an answer of over " + BODY_BYTES_MAX + " bytes is not accepted");
            }
            if (size == 0) {
                while (!readLine(deadlineNanos).isEmpty()) {
                    // trailer fields: none are used
                }
                return body.toByteArray();
            }
            body.writeBytes(exactly(size, deadlineNanos));
            if (!readLine(deadlineNanos).isEmpty()) {
                throw new IOException("a chunk did not end with CRLF");
            }
        }
    }

    private byte[] untilClosed(long deadlineNanos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(buffer, position, limit - position);
        position = limit;
        byte[] chunk = new byte[8192];
        int read;
        while ((read = readSome(chunk, 0, deadlineNanos)) >= 0) {
            if (body.size() + read > BODY_BYTES_MAX) {
                throw new IOException("an answer of over " + BODY_BYTES_MAX + " bytes is not accepted");
            }
            body.write(chunk, 0, read);
        }
        return body.toByteArray();
    }

    /** A line up to CRLF (or LF), without it; ISO-8859-1 as HTTP's header bytes are. */
    private String readLine(long deadlineNanos) throws IOException {
        int start = position;
        while (true) {
            for (int i = start; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return line;
                }
            }
            start = limit;
            if (limit - position >= LINE_BYTES_MAX) {
                throw new IOException("a line of the node's answer is longer than " + LINE_BYTES_MAX + " bytes");
            }
            if (limit == buffer.length) { // make room: move the partial line to the front
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                start -= position;
                limit -= position;
                position = 0;
            }
            int read = readSome(buffer, limit, deadlineNanos);
            if (read < 0) {
                throw new EOFException("the connection ended before the answer did");
            }
            limit += read;
        }
    }

    /** Reads what has arrived into {@code into} from {@code offset} on, waiting at most until the deadline. */
    private int readSome(byte[] into, int offset, long deadlineNanos) throws IOException {
        socket.setSoTimeout(millisLeft(deadlineNanos));
        return in.read(into, offset, into.length - offset);
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
