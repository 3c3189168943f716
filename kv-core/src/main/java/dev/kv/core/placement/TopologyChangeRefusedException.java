package dev.kv.core.placement;

/** A membership change that the topology cannot take now; the message says why (an operator sees it as a 409). */
public class TopologyChangeRefusedException extends IllegalStateException {

    public TopologyChangeRefusedException(String message) {
        super(message);
    }
}
