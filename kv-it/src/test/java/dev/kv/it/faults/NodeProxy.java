package dev.kv.it.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A TCP proxy in front of one node, on loopback: every member reaches the node through it (the node advertises the
 * proxy's address), and the proxy tells callers apart by the loopback address they call from, so each directed link
 * (caller to this node) has faults of its own ({@link Link}). The harness's own calls (127.0.0.1) go to the node
 * directly and are never faulted.
 */
final class NodeProxy implements AutoCloseable {

    private static final int CHUNK = 16 * 1024;

    private final String target;
    private final ServerSocket server;
    private final int targetPort;
    private final Function<InetAddress, Link> links;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param links the link from the caller at an address to this node, or null for a caller the network does not
     *              know (passed through)
     */
    NodeProxy(String target, int listenPort, int targetPort, Function<InetAddress, Link> links) throws IOException {
        this.target = target;
        this.targetPort = targetPort;
        this.links = links;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
        Thread.ofVirtual().name("proxy-" + target + "-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket caller = server.accept();
                open.add(caller);
                Thread.ofVirtual().name("proxy-" + target + "-conn").start(() -> serve(caller));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("kv-it proxy " + target + ": accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket caller) {
        Link link = links.apply(caller.getInetAddress());
        Socket node = null;
        try {
            caller.setTcpNoDelay(true);
            if (link != null) {
                link.awaitOpen(); // a connection opened across a cut waits for the heal, unread
            }
            node = new Socket();
            node.setTcpNoDelay(true);
            node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            open.add(node);
            Socket toNode = node;
            Thread back = Thread.ofVirtual().name("proxy-" + target + "-back")
                    .start(() -> pump(toNode, caller, link, false));
            pump(caller, node, link, true);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the caller or the node went away; both ends are closed below
        } finally {
            close(caller);
            close(node);
            open.remove(caller);
            if (node != null) {
                open.remove(node);
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}; the caller's chunks ({@code request}) are delayed, dropped or reset by the
     * link, and both directions are held while it is cut.
     */
    private void pump(Socket from, Socket to, Link link, boolean request) {
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            boolean silent = false;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (link != null) {
                    if (request && !silent) {
                        switch (link.fate()) {
                            case DROP -> silent = true;
                            case RESET -> {
                                reset(from);
                                reset(to);
                                return;
                            }
                            case FORWARD -> link.delay();
                        }
                    }
                    link.awaitOpen();
                }
                if (!silent) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            close(to);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close sends a RST
        } catch (IOException e) {
            // closing anyway
        }
        close(socket);
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** Closes every connection through the proxy now (as a node's host going away would). */
    void dropConnections() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        dropConnections();
    }
}
