package dev.kv.core.coordination;

import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.record.Record;

import java.util.List;

/**
 * One client request's coordination as a state machine: started once, then fed every call's answer and the ticks it
 * asked for, each event answering the actions to carry out next. The same machines run in the gateway (driven by
 * HTTP calls and timers) and in the simulator (driven by simulated messages and time).
 */
public interface Coordination {

    List<Action> start(long now);

    /** A call answered; {@code answer} is the record a coordinate or read call returned, null for a store. */
    List<Action> succeeded(long call, Record answer, long now);

    List<Action> failed(long call, ReplicaFailure failure, long now);

    /** Time passed: fed at or after each {@link Action.WakeAt}. */
    List<Action> tick(long now);

    /** How the request ends for its client; null until known. */
    Outcome outcome();

    /** Whether nothing is left to do: the outcome is known and no call is out. */
    boolean finished();
}
