package dev.kv.bench;

import site.ycsb.generator.NumberGenerator;
import site.ycsb.generator.ScrambledZipfianGenerator;
import site.ycsb.generator.UniformLongGenerator;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Which operation comes next and on which key: the YCSB core workloads' mixes, with YCSB's own key generators
 * (scrambled zipfian by default), so figures compare with published YCSB runs.
 */
public final class Workload {

    /** The kinds of operation, in report order. */
    public enum Op {
        READ, UPDATE, READ_MODIFY_WRITE, PING
    }

    /**
     * An operation mix; proportions add up to 1.
     *
     * @param name            as given
     * @param read            share of reads
     * @param update          share of blind updates
     * @param readModifyWrite share of read-modify-writes (a read, then a write with its context)
     * @param ping            GET of a fixed URL instead (the tool's ceiling)
     */
    public record Mix(String name, double read, double update, double readModifyWrite, boolean ping) {

        public static Mix parse(String text) {
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "a" -> new Mix("a", 0.5, 0.5, 0, false);
                case "b" -> new Mix("b", 0.95, 0.05, 0, false);
                case "c" -> new Mix("c", 1, 0, 0, false);
                case "f" -> new Mix("f", 0.5, 0, 0.5, false);
                case "ping" -> new Mix("ping", 0, 0, 0, true);
                default -> custom(text);
            };
        }

        private static Mix custom(String text) {
            String[] parts = text.split("/");
            try {
                if (parts.length == 2) {
                    double read = Double.parseDouble(parts[0]);
                    double update = Double.parseDouble(parts[1]);
                    if (read >= 0 && update >= 0 && read + update > 0) {
                        return new Mix(text, read / (read + update), update / (read + update), 0, false);
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("--workload must be a, b, c, f, ping or a read/update mix like 90/10,"
                    + " not '" + text + "'");
        }
    }

    private final Mix mix;
    private final NumberGenerator keys;

    public Workload(Mix mix, int records, String distribution) {
        this.mix = mix;
        this.keys = distribution.equals("uniform") ? new UniformLongGenerator(0, records - 1)
                : new ScrambledZipfianGenerator(records);
    }

    public Op nextOp() {
        if (mix.ping()) {
            return Op.PING;
        }
        double pick = ThreadLocalRandom.current().nextDouble();
        if (pick < mix.read()) {
            return Op.READ;
        }
        return pick < mix.read() + mix.update() ? Op.UPDATE : Op.READ_MODIFY_WRITE;
    }

    public String nextKey() {
        return key(keys.nextValue().longValue());
    }

    /** The key of record {@code index}: YCSB's naming, under a prefix of its own. */
    public static String key(long index) {
        return "bench/user" + index;
    }
}
