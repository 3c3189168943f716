package dev.kv.web.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a request line byte for byte: {@code java.net.URI} and so every HTTP client normalise or refuse the odd path
 * spellings and malformed percent-escapes the services' tests are about. HTTP/1.1 with {@code Connection: close};
 * the answer is read by its {@code Content-Length} or chunks (or to the end), so a server that answers before the
 * body has been sent is heard at once.
 */
public final class RawHttp {

    /** The answer; header names in lower case. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean isProblem() {
            String type = header("content-type");
            return type != null && type.startsWith("application/problem+json");
        }
    }

    private RawHttp() {
    }

    /** Sends {@code body} with a matching {@code Content-Length}; headers as name, value pairs. */
    public static Response send(int port, String method, String target, byte[] body, String... headers) {
        return send(port, method, target, "Content-Length: " + body.length, body, headers);
    }

    /**
     * Sends a head with {@code framing} as its body header (e.g. a {@code Content-Length} larger than what follows,
     * or {@code Transfer-Encoding: chunked}) and then exactly the bytes given; {@code Host: 127.0.0.1:port} unless
     * the headers hold a Host of their own.
     */
    public static Response send(int port, String method, String target, String framing, byte[] bytes,
                                String... headers) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            boolean ownHost = false;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                ownHost |= headers[i].equalsIgnoreCase("Host");
            }
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n"
                    + (ownHost ? "" : "Host: 127.0.0.1:" + port + "\r\n")
                    + "Connection: close\r\n" + framing + "\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // The server answered and closed before taking the whole body: its answer is still to be read.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chunked body of the given bytes, in chunks of at most 64 KiB. */
    public static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        for (int from = 0; from < body.length; from += 65536) {
            int length = Math.min(65536, body.length - from);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, from, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                out.writeBytes(in.readNBytes(size));
                line(in);
            }
            body = out.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
