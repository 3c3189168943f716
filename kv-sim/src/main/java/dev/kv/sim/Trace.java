package dev.kv.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last messages and events of a run, kept so that a violation can be shown with what led to it. Recording is
 * cheap (a bounded ring of lines) and on by default; the lines are only formatted when a run fails.
 */
final class Trace {

    private final Deque<Object[]> lines = new ArrayDeque<>();
    private final int capacity;
    private final EventLoop loop;

    Trace(EventLoop loop, int capacity) {
        this.loop = loop;
        this.capacity = capacity;
    }

    /** Records a line: {@code format} with {@code %s} placeholders, formatted only if the trace is printed. */
    void add(String format, Object... arguments) {
        if (capacity == 0) {
            return;
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        Object[] line = new Object[arguments.length + 2];
        line[0] = loop.now();
        line[1] = format;
        System.arraycopy(arguments, 0, line, 2, arguments.length);
        lines.addLast(line);
    }

    /** The recorded lines that mention {@code filter} (all when null), oldest first. */
    List<String> lines(String filter) {
        List<String> result = new ArrayList<>();
        for (Object[] line : lines) {
            Object[] arguments = new Object[line.length - 2];
            System.arraycopy(line, 2, arguments, 0, arguments.length);
            String text = String.format("%8d ms  ", (Long) line[0]) + String.format((String) line[1], arguments);
            if (filter == null || text.contains(filter)) {
                result.add(text);
            }
        }
        return result;
    }
}
