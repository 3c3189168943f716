package dev.kv.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between a test cluster's processes, with faults (in the spirit of etcd's robustness suite, which puts
 * a proxy in front of every member). Every process calls the others from a loopback address of its own
 * ({@code kv.cluster.source-address}: 127.0.0.2 for the first gateway, 127.0.0.11 for n1, ...), and every node is
 * reached through a {@link NodeProxy} in front of it, so each directed link between two processes can be cut,
 * delayed or made lossy on its own:
 * <ul>
 *   <li>{@link #partition} cuts every link between two groups, both ways; {@link #cut} one way only (the first may
 *   not call the second, the second may still call the first);</li>
 *   <li>{@link #delay}, {@link #drop} and {@link #reset} act on every link into the given nodes;</li>
 *   <li>{@link #heal} undoes everything.</li>
 * </ul>
 * Caller names are the process names ({@code n1}, {@code gateway}); nodes are the only ones that can be called.
 */
public final class Network implements AutoCloseable {

    private static final int FIRST_NODE_HOST = 11;
    private static final int FIRST_OTHER_HOST = 2;

    private final Map<String, InetAddress> callers = new ConcurrentHashMap<>();
    private final Map<InetAddress, String> callerNames = new ConcurrentHashMap<>();
    private final Map<String, NodeProxy> proxies = new ConcurrentHashMap<>();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private int nextNodeHost = FIRST_NODE_HOST;
    private int nextOtherHost = FIRST_OTHER_HOST;

    /**
     * The loopback address {@code name}'s calls leave from (given once; the same name gets the same address again).
     *
     * @param node whether the process is a node (nodes and other processes get addresses from separate ranges)
     */
    public synchronized String sourceAddress(String name, boolean node) {
        InetAddress address = callers.computeIfAbsent(name, n -> loopback(node ? nextNodeHost++ : nextOtherHost++));
        callerNames.put(address, name);
        return address.getHostAddress();
    }

    /** Puts a proxy in front of the node on {@code nodePort}; answers the proxy's port, which members call. */
    public synchronized int proxy(String node, int listenPort, int nodePort) {
        try {
            NodeProxy proxy = new NodeProxy(node, listenPort, nodePort, caller -> linkFrom(caller, node));
            proxies.put(node, proxy);
            return proxy.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Link linkFrom(InetAddress caller, String node) {
        String name = callerNames.get(caller);
        return name == null ? null : link(name, node);
    }

    private Link link(String from, String to) {
        return links.computeIfAbsent(from + "->" + to, key -> new Link());
    }

    /** Every link between a member of {@code one} and a member of {@code other} is cut, both ways. */
    public void partition(Collection<String> one, Collection<String> other) {
        for (String a : one) {
            for (String b : other) {
                cut(a, b);
                cut(b, a);
            }
        }
    }

    /** {@code node} is cut off from every other process, both ways. */
    public void isolate(String node) {
        List<String> others = new ArrayList<>(callers.keySet());
        others.remove(node);
        partition(Set.of(node), others);
    }

    /** {@code from}'s calls to {@code to} are held (one way: {@code to} may still call {@code from}). */
    public void cut(String from, String to) {
        if (proxies.containsKey(to)) {
            link(from, to).cut(true);
        }
    }

    /** Every chunk sent to one of {@code nodes} waits {@code millis} ± {@code jitter}. */
    public void delay(Collection<String> nodes, long millis, long jitter) {
        linksInto(nodes).forEach(link -> link.delay(millis, jitter));
    }

    /** A share of the chunks sent to one of {@code nodes} is lost, and their connection goes silent. */
    public void drop(Collection<String> nodes, double share) {
        linksInto(nodes).forEach(link -> link.drop(share));
    }

    /** A share of the chunks sent to one of {@code nodes} resets their connection. */
    public void reset(Collection<String> nodes, double share) {
        linksInto(nodes).forEach(link -> link.reset(share));
    }

    private List<Link> linksInto(Collection<String> nodes) {
        List<Link> into = new ArrayList<>();
        for (String caller : callers.keySet()) {
            for (String node : nodes) {
                if (!caller.equals(node) && proxies.containsKey(node)) {
                    into.add(link(caller, node));
                }
            }
        }
        return into;
    }

    /** Every link whole again, without delay or loss. */
    public void heal() {
        links.values().forEach(Link::heal);
    }

    /** Which links are cut now, as {@code from->to}, for a test's messages. */
    public Map<String, Boolean> cuts() {
        Map<String, Boolean> cut = new LinkedHashMap<>();
        links.forEach((name, link) -> {
            if (link.isCut()) {
                cut.put(name, true);
            }
        });
        return cut;
    }

    /** Resets every open connection into {@code node} (as after its host lost its network). */
    public void dropConnections(String node) {
        NodeProxy proxy = proxies.get(node);
        if (proxy != null) {
            proxy.dropConnections();
        }
    }

    @Override
    public void close() {
        heal();
        proxies.values().forEach(NodeProxy::close);
    }

    private static InetAddress loopback(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
