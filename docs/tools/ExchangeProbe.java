// ExchangeProbe: the round trip of one batch exchange with a node, alone (docs/benchmarks.md, "The exchange, measured
// alone"). Sends N batches of one replica call, one after the other, to a node's POST /internal/v1/batch and prints
// the median, p90, p99 and mean of the round trips after the first fifth (JIT warm-up). Transports:
//   socket        a kept plain socket, the request written in one piece (what the gateway's NodeLink does)
//   socket-vt     the same on a virtual thread
//   apache        Apache HttpClient 5 classic, pooled (what the gateway used before)
//   apache-min    Apache HttpClient 5 classic in its minimal setup
//   apache-vt     pooled, each exchange on a virtual thread of its own, joined (the batcher's threading before)
// Calls: -Dcall=read (a key that may be absent) or -Dcall=coordinate (a 1 KiB write of a new key each time).
// Run with JDK 25 from the project root, a cluster up (./kv up) and the project built (./mvnw install -DskipTests):
//   CP=$(./mvnw -q -pl kv-gateway dependency:build-classpath -Dmdep.outputFile=/dev/stdout):kv-core/target/classes
//   java -cp "$CP" docs/tools/ExchangeProbe.java 7101 "$(cat .kv-data/cluster-secret)" socket 20000
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.contract.Headers;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

public class ExchangeProbe {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String secret = args[1];
        String transport = args[2];
        int count = Integer.parseInt(args[3]);
        byte[][] bodies = new byte[count][];
        boolean write = "coordinate".equals(System.getProperty("call", "read"));
        for (int i = 0; i < count; i++) {
            byte[] key = ((write ? "probe-" + System.nanoTime() + "-" : "user") + (i % 20_000))
                    .getBytes(StandardCharsets.UTF_8);
            ReplicaBatchCodec.Op op = write
                    ? new ReplicaBatchCodec.Coordinate(key, null, false, null, null, null, System.nanoTime(),
                    Long.MAX_VALUE, false, new byte[1024])
                    : new ReplicaBatchCodec.Read(key, null);
            bodies[i] = ReplicaBatchCodec.encodeRequest(List.of(op));
        }
        long[] nanos = new long[count];
        Runnable run = switch (transport) {
            case "socket", "socket-vt" -> () -> socket(port, secret, bodies, nanos);
            case "apache", "apache-min", "apache-vt" -> () -> apache(port, secret, bodies, nanos, transport);
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        };
        Thread thread = transport.endsWith("-vt") && transport.startsWith("socket")
                ? Thread.ofVirtual().start(run) : Thread.ofPlatform().start(run);
        thread.join();
        long[] measured = Arrays.copyOfRange(nanos, count / 5, count);
        Arrays.sort(measured);
        System.out.printf("%s %s: p50 %d µs, p90 %d µs, p99 %d µs, mean %d µs%n", transport,
                System.getProperty("call", "read"), measured[measured.length / 2] / 1000,
                measured[measured.length * 9 / 10] / 1000, measured[measured.length * 99 / 100] / 1000,
                (long) Arrays.stream(measured).average().orElse(0) / 1000);
    }

    private static void socket(int port, String secret, byte[][] bodies, long[] nanos) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < bodies.length; i++) {
                byte[] head = ("POST /internal/v1/batch HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/octet-stream\r\n" + Headers.CLUSTER_SECRET + ": " + secret
                        + "\r\nContent-Length: " + bodies[i].length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] request = Arrays.copyOf(head, head.length + bodies[i].length);
                System.arraycopy(bodies[i], 0, request, head.length, bodies[i].length);
                long start = System.nanoTime();
                out.write(request);
                int length = -1;
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                nanos[i] = System.nanoTime() - start;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static void apache(int port, String secret, byte[][] bodies, long[] nanos, String transport) {
        try (CloseableHttpClient client = transport.equals("apache-min")
                ? HttpClients.createMinimal(new BasicHttpClientConnectionManager()) : HttpClients.custom().build()) {
            for (int i = 0; i < bodies.length; i++) {
                byte[] body = bodies[i];
                Runnable exchange = () -> {
                    HttpPost post = new HttpPost("http://127.0.0.1:" + port + "/internal/v1/batch");
                    post.setHeader(Headers.CLUSTER_SECRET, secret);
                    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
                    try {
                        client.execute(post, response -> EntityUtils.toByteArray(response.getEntity()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
                long start = System.nanoTime();
                if (transport.equals("apache-vt")) {
                    Thread.ofVirtual().start(exchange).join();
                } else {
                    exchange.run();
                }
                nanos[i] = System.nanoTime() - start;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
