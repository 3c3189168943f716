package dev.kv.core.version;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Identity of one client write across every coordinator that may apply it (DESIGN §3, docs/design-notes.md "One
 * client write, one version").
 *
 * <p>The gateway draws a random 64-bit write id per client write and sends it with every coordinate attempt; each
 * sibling keeps the id of the write that made it. A first attempt takes a dot of its coordinator's actor as usual. An
 * attempt made after an earlier one may have been applied (its answer timed out or was lost) cannot know that dot, so
 * it takes the write's <em>alias dot</em> {@code (~<id>, 1)} instead. A clock that has seen the alias dot has seen the
 * write, whichever coordinator applied it: a sibling carrying the id counts as covered by such a clock (see
 * {@code Sibling#coveredBy}), so twins collapse into one version and a context that superseded one superseded both.
 * Node ids cannot contain {@value #ALIAS_PREFIX}, so an alias actor never equals a node's actor.
 */
public final class WriteIds {

    /** No write id: records written before ids existed, and writes from internal tools. */
    public static final long NONE = 0;

    public static final String ALIAS_PREFIX = "~";

    /** The prefix of a write's mark: the clock entry saying a record has seen the write's first version. */
    public static final String MARK_PREFIX = "^";

    private static final HexFormat HEX = HexFormat.of();

    private WriteIds() {
    }

    /** A fresh, non-zero write id. */
    public static long next(RandomGenerator random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == NONE);
        return id;
    }

    /** The actor of the alias dot of {@code writeId}. */
    public static String aliasActor(long writeId) {
        if (writeId == NONE) {
            throw new IllegalArgumentException("a write without an id has no alias");
        }
        return ALIAS_PREFIX + HEX.toHexDigits(writeId);
    }

    /** The alias dot of {@code writeId}: the one dot every re-attempt of that write takes, whoever coordinates it. */
    public static Dot aliasDot(long writeId) {
        return new Dot(aliasActor(writeId), 1);
    }

    /**
     * The mark of {@code writeId}: a clock entry {@code (^<id>, 1)} the first version of a client write adds to its
     * record's clock, so that any context that saw that version also covers a re-attempt of the write (which takes the
     * alias dot). Unlike an alias dot, a mark is never a sibling's dot and is needed only while the write may still be
     * re-attempted, so clocks drop old marks (see {@code VersionVector#retainMarks}).
     */
    public static Dot markDot(long writeId) {
        if (writeId == NONE) {
            throw new IllegalArgumentException("a write without an id has no mark");
        }
        return new Dot(MARK_PREFIX + HEX.toHexDigits(writeId), 1);
    }

    public static boolean isMark(String actor) {
        return actor.startsWith(MARK_PREFIX);
    }

    /**
     * The write id an alias or mark actor stands for, or {@link #NONE} when {@code actor} is neither (node actors, or
     * a malformed entry in a client's context).
     */
    public static long writeIdOf(String actor) {
        if (!(isAlias(actor) || isMark(actor)) || actor.length() != 1 + 16) {
            return NONE;
        }
        for (int i = 1; i < actor.length(); i++) {
            if (Character.digit(actor.charAt(i), 16) < 0) {
                return NONE;
            }
        }
        return HexFormat.fromHexDigitsToLong(actor, 1, actor.length());
    }

    public static boolean isAlias(String actor) {
        return actor.startsWith(ALIAS_PREFIX);
    }

    /** The header form: 16 hex digits. */
    public static String format(long writeId) {
        return HEX.toHexDigits(writeId);
    }

    /** Parses the header form; {@link #NONE} for null or blank. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String trimmed = text.trim();
        if (trimmed.length() != 16) {
            throw new IllegalArgumentException("a write id is 16 hex digits");
        }
        return HexFormat.fromHexDigitsToLong(trimmed);
    }
}
