package dev.kv.core.coordination;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls a coordination has out, by id, and the actions it has decided on but not yet handed to its driver. Each
 * event handler appends actions here and the state machine hands them over with {@link #drain()}.
 *
 * @param <C> what the coordination remembers about each call
 */
final class CallLog<C> {

    private final Map<Long, C> pending = new HashMap<>();
    private final List<Action> actions = new ArrayList<>();
    private long nextId = 1;

    long open(C context) {
        long id = nextId++;
        pending.put(id, context);
        return id;
    }

    /** The call's context, removed: each call is answered once. Null for an unknown or already answered call. */
    C close(long id) {
        return pending.remove(id);
    }

    boolean idle() {
        return pending.isEmpty();
    }

    void add(Action action) {
        actions.add(action);
    }

    List<Action> drain() {
        List<Action> drained = List.copyOf(actions);
        actions.clear();
        return drained;
    }
}
