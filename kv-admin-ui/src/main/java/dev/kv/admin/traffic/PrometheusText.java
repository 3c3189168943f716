package dev.kv.admin.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition ({@code /actuator/prometheus}): name, labels, value. */
final class PrometheusText {

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {

        String label(String name) {
            return labels.getOrDefault(name, "");
        }
    }

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PrometheusText() {
    }

    /** The samples whose metric name starts with {@code prefix}; comments and other metrics are skipped. */
    static List<Sample> parse(String text, String prefix) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#") || !line.startsWith(prefix)) {
                continue;
            }
            int braces = line.indexOf('{');
            int close = line.lastIndexOf('}');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            String rest;
            if (braces >= 0 && close > braces) {
                name = line.substring(0, braces);
                Matcher matcher = LABEL.matcher(line.substring(braces + 1, close));
                while (matcher.find()) {
                    labels.put(matcher.group(1), matcher.group(2));
                }
                rest = line.substring(close + 1).trim();
            } else {
                int space = line.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                name = line.substring(0, space);
                rest = line.substring(space + 1).trim();
            }
            String[] parts = rest.split("\\s+");
            try {
                samples.add(new Sample(name, labels, Double.parseDouble(parts[0])));
            } catch (NumberFormatException e) {
                // A value Prometheus allows but we do not use (NaN spelled otherwise): skip the line.
            }
        }
        return samples;
    }
}
