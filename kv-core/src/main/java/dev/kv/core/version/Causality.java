package dev.kv.core.version;

/** How two versions relate in causal order (the vocabulary of Project Voldemort's {@code Occurred}). */
public enum Causality {
    /** This version happened before the other one: the other supersedes it. */
    BEFORE,
    /** This version happened after the other one: it supersedes the other. */
    AFTER,
    /** Both versions have seen exactly the same events. */
    EQUAL,
    /** Neither has seen all events of the other: they are siblings. */
    CONCURRENT
}
